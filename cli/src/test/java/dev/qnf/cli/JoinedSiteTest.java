package dev.qnf.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class JoinedSiteTest {
    @Test
    void theSiteOfTheJoinIsKeptNextToTheIdentityAndAJoinWithoutOneClearsIt(@TempDir Path tls) throws Exception {
        assertThat(JoinedSite.read(tls)).as("never joined").isNull();
        JoinedSite.write(tls, "berlin");
        assertThat(JoinedSite.read(tls)).isEqualTo("berlin");
        assertThat(Files.readString(tls.resolve(JoinedSite.FILE))).isEqualTo("berlin\n");
        JoinedSite.write(tls, "paris");
        assertThat(JoinedSite.read(tls)).isEqualTo("paris");
        try (var files = Files.list(tls)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left").containsExactly("site");
        }
        JoinedSite.write(tls, null);   // joined again with a token bound to no site
        assertThat(JoinedSite.read(tls)).isNull();
        assertThat(tls.resolve(JoinedSite.FILE)).doesNotExist();
        Files.writeString(tls.resolve(JoinedSite.FILE), "  \n");
        assertThat(JoinedSite.read(tls)).as("an empty file is no site").isNull();
    }
}
