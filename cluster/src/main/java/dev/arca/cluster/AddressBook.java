package dev.arca.cluster;

/** Which node lives where, as far as this side knows (the Raft configuration it has seen). */
interface AddressBook {
    /** The id of the node at {@code endpoint} ("host:port"), or null if none is known there. */
    String idAt(String endpoint);

    /** The endpoint of node {@code id}, or null if the node is not known. */
    String endpointOf(String id);

    AddressBook EMPTY = new AddressBook() {
        @Override
        public String idAt(String endpoint) {
            return null;
        }

        @Override
        public String endpointOf(String id) {
            return null;
        }
    };
}
