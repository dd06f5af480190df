package dev.arca.cluster;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Executor;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.server.GrpcServices;
import org.apache.ratis.proto.grpc.RaftClientProtocolServiceGrpc;
import org.apache.ratis.proto.grpc.RaftServerProtocolServiceGrpc;
import org.apache.ratis.thirdparty.io.grpc.Metadata;
import org.apache.ratis.thirdparty.io.grpc.ServerCall;
import org.apache.ratis.thirdparty.io.grpc.ServerCallExecutorSupplier;
import org.apache.ratis.thirdparty.io.grpc.netty.NettyServerBuilder;

/**
 * Which of a node's gRPC calls run on the thread that read them from the connection (Netty's
 * event loop) instead of being handed to gRPC's thread pool. gRPC hands every message a server
 * receives to another thread, to protect its event loop from handlers that block: a wake-up and a
 * sleep per message, each a system call that costs a lot on a virtual machine. The calls a commit
 * makes, log entries sent to a follower ({@code appendEntries}), the leader's read index, and
 * requests from clients on other nodes ({@code ordered}, {@code unordered}), only start
 * asynchronous work in Ratis and return, so they run where they arrive. Every other call keeps the
 * pool: a vote (which writes and syncs the node's vote before it answers), a snapshot's install
 * (which writes its files), a leader election's start, and administration.
 * (docs/cluster.md, "Fewer thread hand-offs".)
 */
final class InlineCalls implements GrpcServices.Customizer {
    /** Full gRPC method names of the calls that run where they arrive. */
    static final Set<String> INLINE = Set.of(
            RaftServerProtocolServiceGrpc.getAppendEntriesMethod().getFullMethodName(),
            RaftServerProtocolServiceGrpc.getReadIndexMethod().getFullMethodName(),
            RaftClientProtocolServiceGrpc.getOrderedMethod().getFullMethodName(),
            RaftClientProtocolServiceGrpc.getUnorderedMethod().getFullMethodName());

    private static final Executor IN_PLACE = Runnable::run;

    /** Makes the servers Ratis builds with {@code p} use this. */
    static Parameters install(Parameters p) {
        GrpcConfigKeys.Server.setServicesCustomizer(p, new InlineCalls());
        return p;
    }

    /** The executor for a call of {@code fullMethodName}: in place, or null for gRPC's pool. */
    static Executor executor(String fullMethodName) {
        return INLINE.contains(fullMethodName) ? IN_PLACE : null;
    }

    @Override
    public NettyServerBuilder customize(NettyServerBuilder builder, EnumSet<GrpcServices.Type> types) {
        builder.callExecutor(new ServerCallExecutorSupplier() {
            @Override
            public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata metadata) {
                return executor(call.getMethodDescriptor().getFullMethodName());
            }
        });
        return builder;
    }
}
