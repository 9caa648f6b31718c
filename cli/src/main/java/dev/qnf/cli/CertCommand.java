package dev.qnf.cli;

import dev.qnf.api.client.CertificateRenewer;
import dev.qnf.api.client.QnfClient;
import dev.qnf.api.pki.Identity;
import picocli.CommandLine.Command;

/** {@code qnf cert}: the caller's own certificate. */
@Command(name = "cert", mixinStandardHelpOptions = true, description = "This client's own certificate.",
        subcommands = {CertCommand.Renew.class})
final class CertCommand {
    @Command(name = "renew", description = {"Renew the certificate in --tls-dir now: a new key pair, a certificate "
            + "with the same identity from any server holding the CA, written in place (key 0600).",
            "Agents renew by themselves at half life; people run this (or cron it) before theirs expires."})
    static final class Renew extends ClientCommand {
        @Override
        public Integer call() {
            try (QnfClient client = options.client()) {
                Identity renewed = CertificateRenewer.renew(client, ClientConfig.tls(options.tlsDir));
                out().line("renewed " + renewed.spiffeId() + " (" + renewed.role().label() + "): serial "
                        + renewed.certificate().getSerialNumber().toString(16) + ", valid until "
                        + renewed.notAfter());
            }
            return 0;
        }
    }
}
