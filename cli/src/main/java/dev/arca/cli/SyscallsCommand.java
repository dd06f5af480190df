package dev.arca.cli;

import dev.arca.syscall.Syscall;
import dev.arca.syscall.SyscallTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the syscall table. */
@Command(name = "syscalls", mixinStandardHelpOptions = true,
        description = "List every import Arca offers a guest, with its support level.")
final class SyscallsCommand implements Runnable {
    @Option(names = "--markdown", description = "Print the compatibility page (docs/syscalls.md).")
    boolean markdown;

    @Option(names = "--c-header", description = "Print the SDK's C header of the arca module (sdk/libarca/arca_abi.h).")
    boolean cHeader;

    @Override
    public void run() {
        if (markdown) {
            System.out.print(SyscallTable.markdown());
            return;
        }
        if (cHeader) {
            System.out.print(SyscallTable.cHeader());
            return;
        }
        for (Syscall s : SyscallTable.all()) {
            System.out.printf("%-24s %-11s %s%n", s.name(), s.support().name().toLowerCase(), s.note());
        }
    }
}
