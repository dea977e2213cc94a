package dev.castrelay.relay.control;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The page's files come from the build; a build without them is refused, not papered over. */
class DashboardTest {

    @Test
    void aBuildWithoutThePagesScriptRefusesToStart() {
        assertThatThrownBy(() -> new Dashboard(name -> name.equals("app.js") ? null
                : new ByteArrayInputStream(name.getBytes())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the dashboard's app.js is missing from this build");
    }

    @Test
    void theRealBuildHasEveryFileThePageNeeds() {
        Dashboard dashboard = new Dashboard();
        for (String name : Dashboard.REQUIRED) {
            assertThat(dashboard.file(name.equals("index.html") ? "/" : "/dashboard/" + name).bytes()).isNotEmpty();
        }
    }
}
