/**
 * A linearizability checker: decides whether a concurrent history of operations on an object (a
 * register, a key-value store) could have come from one copy of the object that applies each
 * operation atomically at some instant between its call and its return.
 *
 * <p>The search is Wing and Gong's (1993): walk the history in time order, and at each step try to
 * linearize next one of the operations that have been called but not yet linearized, backtracking
 * when an operation returns before it could be linearized. Lowe's memoisation (2017) prunes it: the
 * search never visits the same pair (set of linearized operations, model state) twice. As in
 * Porcupine, a model may split a history into independent parts (one per key of a key-value store),
 * each searched on its own, in parallel.
 *
 * <p>Contracts every part keeps:
 * <ul>
 *   <li>An operation's interval [call, return] is closed: two operations whose intervals touch are
 *       concurrent. Call and return times must come from one clock.</li>
 *   <li>A pending operation (called, never seen to return, such as a client's request that timed
 *       out: Jepsen's {@code :info}) may take effect at any instant after its call, or never.</li>
 *   <li>The verdict is {@link dev.arca.cluster.linearizability.Verdict#OK} only when the search
 *       finished and found a linearization of every part; a search that ran out of time or memory
 *       gives {@link dev.arca.cluster.linearizability.Verdict#UNKNOWN}, never OK.</li>
 * </ul>
 *
 * <p>Models: {@link dev.arca.cluster.linearizability.KvModel} for Arca's own key-value workload
 * (history files in the format of {@link dev.arca.cluster.linearizability.KvHistory}), and
 * {@link dev.arca.cluster.linearizability.EtcdRegisterModel} for the Jepsen etcd histories that
 * Porcupine publishes, on which the checker itself is validated. {@link
 * dev.arca.cluster.linearizability.Check} checks a history file from the command line.
 */
package dev.arca.cluster.linearizability;
