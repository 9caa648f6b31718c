package dev.qnf.agent.cni;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qnf.agent.state.PortMap;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Parsing and validation: every verb gets a typed, checked request or a CNI error with the spec's code. */
class CniRequestTest {

    static ObjectNode conf() {
        return JsonFields.JSON.createObjectNode().put("cniVersion", "1.0.0").put("name", "blue").put("type", "qnf");
    }

    static byte[] wire(String command, String containerId, String netns, String ifName, String args, String stdin) {
        ObjectNode env = JsonFields.JSON.createObjectNode().put("command", command).put("containerId", containerId)
                .put("netns", netns).put("ifName", ifName).put("args", args).put("path", "/opt/cni/bin")
                .put("stdin", stdin);
        return env.toString().getBytes(StandardCharsets.UTF_8);
    }

    static CniRequest add(ObjectNode conf, String args) {
        return CniRequest.parse(wire("ADD", "abc", "/var/run/netns/x", "eth0", args, conf.toString()));
    }

    static int code(Runnable r) {
        try {
            r.run();
        } catch (CniError e) {
            return e.code();
        }
        throw new AssertionError("no CNI error");
    }

    @Test
    void aFullAddRequest() {
        ObjectNode c = conf().put("network", "blue");
        ObjectNode rc = c.putObject("runtimeConfig");
        rc.putArray("portMappings").addObject().put("hostPort", 8080).put("containerPort", 80).put("protocol", "udp")
                .put("hostIP", "");
        rc.putArray("ips").add("10.1.0.7/24");
        rc.put("mac", "0a:58:0a:01:00:07");
        rc.putObject("dns").putArray("servers").add("1.1.1.1");
        rc.putObject("aliases").putArray("blue").add("WWW");
        c.putObject("args").putObject("cni").putArray("labels").addObject().put("key", "team").put("value", "a");
        c.putObject("prevResult").put("cniVersion", "1.0.0");

        CniRequest r = add(c, "IgnoreUnknown=1;K8S_POD_NAMESPACE=ns1;K8S_POD_NAME=web;QNF_LABELS=tier=front,x=y");

        assertThat(r.verb()).isEqualTo(CniRequest.Verb.ADD);
        assertThat(r.network()).isEqualTo("blue");
        assertThat(r.endpointId()).isEqualTo("abc:eth0");
        RuntimeConfig got = r.config().runtimeConfig();
        assertThat(got.ports()).containsExactly(new PortMap("udp", 8080, 80));
        assertThat(got.ips()).containsExactly("10.1.0.7/24");
        assertThat(got.mac()).isEqualTo("0a:58:0a:01:00:07");
        assertThat(got.dns().servers()).containsExactly("1.1.1.1");
        assertThat(got.aliases()).containsExactly("www");
        assertThat(r.config().prevResult()).isNotNull();
        AddInputs in = AddInputs.of(r);
        assertThat(in.requested()).isEqualTo("10.1.0.7");
        assertThat(in.labels()).containsEntry("name", "web").containsEntry("k8s.qnf.dev/namespace", "ns1")
                .containsEntry("team", "a").containsEntry("tier", "front").containsEntry("x", "y")
                .containsEntry("alias.qnf.dev/www", "true");
    }

    @Test
    void theNetworkDefaultsToTheConfigNameAndAliasesMayBeAPlainList() {
        ObjectNode c = conf();
        c.putObject("runtimeConfig").putArray("aliases").add("db");
        CniRequest r = add(c, null);
        assertThat(r.network()).isEqualTo("blue");
        assertThat(r.config().runtimeConfig().aliases()).containsExactly("db");
    }

    @Test
    void aLongContainerIdGivesAShortStableEndpointId() {
        String id = "a".repeat(200);
        CniRequest r = CniRequest.parse(wire("DEL", id, null, "eth0", null, conf().toString()));
        assertThat(r.endpointId()).hasSizeLessThanOrEqualTo(128).endsWith(":eth0")
                .isEqualTo(CniRequest.parse(wire("DEL", id, null, "eth0", null, conf().toString())).endpointId());
    }

    @Test
    void decodingErrorsAre6() {
        assertThat(code(() -> CniRequest.parse("not json".getBytes()))).isEqualTo(6);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "abc", "/x", "eth0", null, "[1]")))).isEqualTo(6);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "abc", "/x", "eth0", null, "")))).isEqualTo(6);
        ObjectNode c = conf();
        c.put("runtimeConfig", "nope");
        assertThat(code(() -> add(c, null))).isEqualTo(6);
        ObjectNode p = conf();
        p.putObject("runtimeConfig").putArray("portMappings").addObject().put("hostPort", "80").put("containerPort", 80);
        assertThat(code(() -> add(p, null))).isEqualTo(6);
        ObjectNode n = conf().put("name", 5);
        assertThat(code(() -> add(n, null))).isEqualTo(6);
    }

    @Test
    void versionErrorsAre1() {
        assertThat(code(() -> add(conf().put("cniVersion", "0.2.0"), null))).isEqualTo(1);
        ObjectNode none = conf();
        none.remove("cniVersion");
        assertThat(code(() -> add(none, null))).isEqualTo(1);
        assertThat(code(() -> CniRequest.parse(wire("STATUS", null, null, null, null, conf().toString())))).isEqualTo(1);
        assertThat(code(() -> CniRequest.parse(wire("CHECK", "abc", "/x", "eth0", null,
                conf().put("cniVersion", "0.3.1").toString())))).isEqualTo(1);
    }

    @Test
    void environmentErrorsAre4() {
        String c = conf().toString();
        assertThat(code(() -> CniRequest.parse(wire("ADD", null, "/x", "eth0", null, c)))).isEqualTo(4);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "abc", null, "eth0", null, c)))).isEqualTo(4);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "abc", "/x", null, null, c)))).isEqualTo(4);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "a/b", "/x", "eth0", null, c)))).isEqualTo(4);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "abc", "/x", "a-very-long-name0", null, c)))).isEqualTo(4);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "abc", "/x", "..", null, c)))).isEqualTo(4);
        assertThat(code(() -> CniRequest.parse(wire("ADD", "abc", "/x", "eth0", "NOEQUALS", c)))).isEqualTo(4);
        assertThat(code(() -> CniRequest.parse(wire("DANCE", "abc", "/x", "eth0", null, c)))).isEqualTo(4);
        assertThat(code(() -> AddInputs.of(add(conf(), "QNF_LABELS=novalue")))).isEqualTo(4);
        CniRequest del = CniRequest.parse(wire("DEL", "abc", null, "eth0", null, c));
        assertThat(del.netns()).as("DEL needs no namespace").isNull();
    }

    @Test
    void configurationErrorsAre7AndUnsupportedFields2() {
        ObjectNode noName = conf();
        noName.remove("name");
        assertThat(code(() -> add(noName, null))).isEqualTo(7);
        assertThat(code(() -> add(conf().put("name", "-bad"), null))).isEqualTo(7);
        assertThat(code(() -> add(conf().put("network", "Not_A_Network"), null))).isEqualTo(7);
        ObjectNode ipam = conf();
        ipam.putObject("ipam").put("type", "host-local");
        assertThat(code(() -> add(ipam, null))).isEqualTo(2);
        ObjectNode sctp = conf();
        sctp.putObject("runtimeConfig").putArray("portMappings").addObject().put("hostPort", 1).put("containerPort", 1)
                .put("protocol", "sctp");
        assertThat(code(() -> add(sctp, null))).isEqualTo(2);
        ObjectNode twice = conf();
        var pm = twice.putObject("runtimeConfig").putArray("portMappings");
        pm.addObject().put("hostPort", 80).put("containerPort", 1);
        pm.addObject().put("hostPort", 80).put("containerPort", 2).put("protocol", "TCP");
        assertThat(code(() -> add(twice, null))).isEqualTo(7);
        ObjectNode port = conf();
        port.putObject("runtimeConfig").putArray("portMappings").addObject().put("hostPort", 70000).put("containerPort", 1);
        assertThat(code(() -> add(port, null))).isEqualTo(7);
        ObjectNode alias = conf();
        alias.putObject("runtimeConfig").putArray("aliases").add("not_dns");
        assertThat(code(() -> add(alias, null))).isEqualTo(7);
        ObjectNode ips = conf();
        ips.putObject("runtimeConfig").putArray("ips").add("10.0.0.1").add("10.0.0.2");
        assertThat(code(() -> AddInputs.of(add(ips, null)))).isEqualTo(7);
        assertThat(code(() -> CniRequest.parse(wire("GC", null, null, null, null,
                conf().put("cniVersion", "1.1.0").toString())))).as("GC without valid-attachments").isEqualTo(7);
        assertThat(code(() -> AddInputs.of(add(conf(), "QNF_LABELS=bad key=v")))).isEqualTo(7);
    }

    @Test
    void gcListsValidAttachments() {
        ObjectNode c = conf().put("cniVersion", "1.1.0");
        c.putArray("cni.dev/valid-attachments").addObject().put("containerID", "abc").put("ifname", "eth0");
        CniRequest r = CniRequest.parse(wire("GC", null, null, null, null, c.toString()));
        assertThat(r.config().validAttachments()).containsExactly("abc/eth0");
    }

    @Test
    void errorsAreTheSpecsObject() {
        CniError e = new CniError(11, "try again later", "control plane down");
        assertThat(e.toJson("1.0.0").toString())
                .isEqualTo("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"try again later\",\"details\":\"control plane down\"}");
        assertThat(new CniError(7, "bad").toJson("1.1.0").has("details")).isFalse();
        assertThat(CniPlugin.bestEffortVersion(wire("ADD", "a", "b", "c", null, "{\"cniVersion\":\"0.4.0\",")))
                .isEqualTo("0.4.0");
        assertThat(CniPlugin.bestEffortVersion("junk".getBytes())).isEqualTo(CniVersions.LATEST);
    }

    @Test
    void cniArgs() {
        CniArgs a = CniArgs.parse("IgnoreUnknown=1;K8S_POD_NAME=web;;IP=10.0.0.5");
        assertThat(a.podName()).isEqualTo("web");
        assertThat(a.get("IP")).isEqualTo("10.0.0.5");
        assertThat(a.labels()).isEmpty();
        assertThat(CniArgs.parse("QNF_LABELS=a=1,b=2").labels()).isEqualTo(Map.of("a", "1", "b", "2"));
        assertThatThrownBy(() -> CniArgs.parse("=x")).isInstanceOf(CniError.class);
    }
}
