package dev.qnf.cli.policy;

import dev.qnf.api.json.PolicyView;
import dev.qnf.api.policy.PolicyViews;
import dev.qnf.fabric.InvalidInputException;
import dev.qnf.fabric.command.Allocate;
import dev.qnf.fabric.command.ApplyPolicies;
import dev.qnf.fabric.command.Command;
import dev.qnf.fabric.command.CreateNetwork;
import dev.qnf.fabric.model.Attachment;
import dev.qnf.fabric.model.Network;
import dev.qnf.fabric.model.Policy;
import dev.qnf.fabric.model.PolicyDefault;
import dev.qnf.fabric.policy.Direction;
import dev.qnf.fabric.policy.Labels;
import dev.qnf.fabric.policy.PolicyEngine;
import dev.qnf.fabric.policy.Protocol;
import dev.qnf.fabric.policy.Verdict;
import dev.qnf.fabric.state.Decision;
import dev.qnf.fabric.state.FabricImage;
import dev.qnf.fabric.state.FabricMachine;
import dev.qnf.fabric.state.Reply;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kubernetes NetworkPolicy YAML translated and then evaluated: the verdicts are what Kubernetes gives. The network
 * allows by default, as a Kubernetes cluster does for pods no policy selects.
 */
class KubernetesImportTest {
    static FabricImage image;
    static KubernetesImport.Result result;

    static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(KubernetesImportTest.class.getResource("/policy/" + name)).toURI());
    }

    @BeforeAll
    static void importAndApply() throws Exception {
        result = KubernetesImport.translate(PolicyFiles.documents(resource("k8s-policies.yaml")));
        image = FabricImage.empty();
        run(new CreateNetwork(Network.spec("k8s", "10.244.0.0/16", null, null, null, null, null, null, null, null,
                null)));
        run(new ApplyPolicies(List.of(), List.of(new PolicyDefault("k8s", Verdict.ALLOW)), List.of()));
        pod("db", "default", "role=db");
        pod("frontend", "default", "role=frontend");
        pod("api", "default", "role=api");
        pod("mp-fe", "myproject", "role=frontend");
        pod("mp-other", "myproject", "role=other");
        pod("other-fe", "other", "role=frontend");
        pod("locked-a", "locked", "app=a");
        run(new ApplyPolicies(result.policies().stream().map(PolicyViews::toPolicy).toList(), List.of(), List.of()));
    }

    static void run(Command c) {
        Decision d = FabricMachine.decide(image, c);
        assertThat(d.reply()).as(c.toString()).isInstanceOf(Reply.Ok.class);
        image = image.apply(d.changes(), image.revision() + 1);
    }

    static void pod(String id, String namespace, String label) {
        String[] kv = label.split("=");
        run(new Allocate("k8s", id, "n1", null, new Attachment(id, "eth0", null,
                Map.of(Labels.NAMESPACE, namespace, kv[0], kv[1]))));
    }

    @Test
    void translatesEveryObjectWithItsPolicyTypes() {
        assertThat(result.policies()).extracting(p -> p.namespace() + "/" + p.name()).containsExactly(
                "default/test-network-policy", "default/multi-port-egress", "default/api-from-myproject-frontend",
                "locked/default-deny-ingress", "locked/allow-all-egress");
        Policy db = PolicyViews.toPolicy(result.policies().get(0));
        assertThat(db.isolates()).containsExactlyInAnyOrder(Direction.INGRESS, Direction.EGRESS);
        assertThat(db.ingress().get(0).peers()).hasSize(3);
        assertThat(db.ingress().get(0).peers().get(0).except()).hasSize(1);
        Policy api = PolicyViews.toPolicy(result.policies().get(2));
        assertThat(api.isolates()).as("no policyTypes and no egress section: Ingress only")
                .containsExactly(Direction.INGRESS);
        assertThat(api.ingress().get(0).ports()).extracting(Object::toString).containsExactly("tcp/443", "udp/53");
        Policy deny = PolicyViews.toPolicy(result.policies().get(3));
        assertThat(deny.ingress()).isEmpty();
        assertThat(deny.isolates()).containsExactly(Direction.INGRESS);
        assertThat(result.warnings()).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1} {2}/{3}: {4}")
    @CsvSource(delimiter = '|', textBlock = """
            k8s/frontend  | k8s/db       | tcp | 6379  | ALLOW
            k8s/frontend  | k8s/db       | tcp | 6380  | DENY
            k8s/mp-other  | k8s/db       | tcp | 6379  | ALLOW
            k8s/other-fe  | k8s/db       | tcp | 6379  | DENY
            172.17.2.5    | k8s/db       | tcp | 6379  | ALLOW
            172.17.1.5    | k8s/db       | tcp | 6379  | DENY
            k8s/db        | 10.0.0.9     | tcp | 5978  | ALLOW
            k8s/db        | 10.0.0.9     | tcp | 5979  | DENY
            k8s/db        | k8s/api      | tcp | 443   | DENY
            k8s/frontend  | 10.0.0.5     | tcp | 32500 | ALLOW
            k8s/frontend  | 10.0.0.5     | tcp | 32768 | ALLOW
            k8s/frontend  | 10.0.0.5     | tcp | 32769 | DENY
            k8s/frontend  | 10.0.0.5     | tcp | 31999 | DENY
            k8s/frontend  | 1.1.1.1      | tcp | 443   | DENY
            k8s/mp-fe     | k8s/api      | tcp | 443   | ALLOW
            k8s/mp-fe     | k8s/api      | udp | 53    | ALLOW
            k8s/mp-fe     | k8s/api      | tcp | 53    | DENY
            k8s/mp-other  | k8s/api      | tcp | 443   | DENY
            k8s/other-fe  | k8s/api      | tcp | 443   | DENY
            k8s/api       | k8s/mp-other | tcp | 80    | ALLOW
            k8s/api       | 1.1.1.1      | tcp | 443   | ALLOW
            k8s/api       | k8s/locked-a | tcp | 80    | DENY
            k8s/locked-a  | 1.1.1.1      | udp | 9     | ALLOW
            k8s/locked-a  | k8s/mp-other | tcp | 80    | ALLOW
            """)
    void verdictsHaveKubernetesMeaning(String from, String to, String proto, int port, Verdict expected) {
        var e = PolicyEngine.evaluate(image, from, to, Protocol.parse(proto, null), port);
        assertThat(e.verdict()).as(e.toString()).isEqualTo(expected);
    }

    @Test
    void rulesOfADirectionNotInPolicyTypesAreIgnoredWithAWarning(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: egress-only, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  policyTypes: [Egress]
                  ingress:
                    - from: [{namespaceSelector: {matchLabels: {team: blue}}}]
                  egress:
                    - to: [{namespaceSelector: {matchLabels: {team: blue}}}]
                """);
        KubernetesImport.Result r = KubernetesImport.translate(PolicyFiles.documents(f));
        PolicyView v = r.policies().get(0);
        assertThat(v.ingress()).isNull();
        assertThat(v.egress()).hasSize(1);
        assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("ingress rules ignored"))
                .anySatisfy(w -> assertThat(w).contains("namespace labels other than kubernetes.io/metadata.name"));
    }

    @Test
    void whatQnfCannotHonourIsRefusedWithTheObjectNamed(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> translate(dir, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: named, namespace: shop}
                spec:
                  podSelector: {}
                  ingress: [{ports: [{port: http}]}]
                """)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("NetworkPolicy shop/named").hasMessageContaining("named port 'http'");
        assertThatThrownBy(() -> translate(dir, """
                apiVersion: networking.k8s.io/v1beta1
                kind: NetworkPolicy
                metadata: {name: old}
                spec: {podSelector: {}}
                """)).hasMessageContaining("is not networking.k8s.io/v1");
        assertThatThrownBy(() -> translate(dir, """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: bad-cidr}
                spec:
                  podSelector: {}
                  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}}]}]
                """)).hasMessageContaining("default/bad-cidr").hasMessageContaining("not inside");
        assertThatThrownBy(() -> translate(dir, "kind: Pod\napiVersion: v1\n"))
                .hasMessageContaining("kind 'Pod' is not NetworkPolicy");
    }

    @Test
    void aListOfObjectsImportsEachItem(@TempDir Path dir) throws IOException {
        KubernetesImport.Result r = translate(dir, """
                apiVersion: v1
                kind: List
                items:
                  - apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: a, namespace: x}
                    spec: {podSelector: {}, policyTypes: [Ingress]}
                  - apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: b, namespace: x}
                    spec: {podSelector: {}, policyTypes: [Egress]}
                """);
        assertThat(r.policies()).extracting(PolicyView::name).containsExactly("a", "b");
    }

    private static KubernetesImport.Result translate(Path dir, String yaml) throws IOException {
        Path f = Files.createTempFile(dir, "k8s", ".yaml");
        Files.writeString(f, yaml);
        return KubernetesImport.translate(PolicyFiles.documents(f));
    }
}
