package dev.castrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CpuTimeTest {

    @Test
    void thisJvmHasUsedSomeCpu() {
        assertThat(CpuTime.of(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void treeIncludesABusyChild() throws Exception {
        // A shell that spins for about half a second of CPU in a child, then waits.
        Process shell = Processes.start(new ProcessBuilder("sh", "-c",
                "sh -c 'end=$(($(date +%s%N)+500000000)); while [ $(date +%s%N) -lt $end ]; do :; done'; sleep 30"));
        try {
            Thread.sleep(1500); // the child has finished spinning and been reaped by its parent
            double tree = CpuTime.ofTree(shell.pid());
            double shellAlone = CpuTime.of(shell.pid());
            assertThat(tree).isGreaterThan(shellAlone + 0.2);
        } finally {
            Processes.destroyTree(shell.toHandle(), Duration.ZERO);
        }
    }
}
