package dev.castrelay.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CpuTimeTest {

    @Test
    void thisJvmHasUsedSomeCpu() {
        assertThat(CpuTime.of(ProcessHandle.current().pid())).isPositive();
    }

    @Test
    void treeIncludesABusyChildAfterItWasReaped() {
        // A shell whose child spins until it is killed; the shell then reaps it and waits.
        Process shell = Processes.start(new ProcessBuilder("sh", "-c", "sh -c 'while :; do :; done'; sleep 30"));
        try {
            ProcessHandle spinner = await().atMost(Duration.ofSeconds(10))
                    .until(() -> shell.descendants().findFirst(), Optional::isPresent).orElseThrow();
            // Let it use a measured amount of CPU, however loaded the machine is, then stop it.
            await().atMost(Duration.ofSeconds(30)).until(() -> CpuTime.of(spinner.pid()) >= 0.2);
            double spun = CpuTime.of(spinner.pid());
            spinner.destroy();
            await().atMost(Duration.ofSeconds(10)).until(() -> !spinner.isAlive()
                    && shell.descendants().noneMatch(p -> p.pid() == spinner.pid()));

            double tree = CpuTime.ofTree(shell.pid());
            double shellAlone = CpuTime.of(shell.pid());
            assertThat(tree).isGreaterThanOrEqualTo(shellAlone + spun);
        } finally {
            Processes.destroyTree(shell.toHandle(), Duration.ZERO);
        }
    }
}
