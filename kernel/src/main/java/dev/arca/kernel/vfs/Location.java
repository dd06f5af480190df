package dev.arca.kernel.vfs;

import dev.arca.fs.Node;

/**
 * A node as the guest reached it: the mount it is in and its absolute guest path (normalised,
 * no symbolic links), which is what finds mounts below it.
 */
public record Location(Mount mount, Node node, String path) {

    String child(String name) {
        return path.equals("/") ? "/" + name : path + "/" + name;
    }

    public boolean isMountRoot() {
        return node == mount.fileSystem().root();
    }
}
