package dev.qnf.api.auth;

import dev.qnf.api.errors.ApiException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The role table: one case per kind of decision, REST and gRPC alike. */
class AuthorizerTest {
    private final Authorizer authorizer = new Authorizer();

    private static Caller as(String role) {
        return new Caller("spiffe://qnf/x/" + role, Set.of(role));
    }

    private void allowed(String role, String operation) {
        assertThatCode(() -> authorizer.authorize(as(role), operation)).as(role + " may " + operation)
                .doesNotThrowAnyException();
    }

    private void denied(String role, String operation) {
        assertThatThrownBy(() -> authorizer.authorize(as(role), operation)).as(role + " may not " + operation)
                .isInstanceOf(ApiException.class).hasMessageContaining("may not " + operation);
    }

    @Test
    void readsAreReadsOnBothSurfacesAndExplainIsOne() {
        assertThat(Authorizer.permission("GET /v1/policy/explain")).isEqualTo(Permission.READ);
        assertThat(Authorizer.permission("qnf.v1.Policies/Explain")).isEqualTo(Permission.READ);
        assertThat(Authorizer.permission("qnf.v1.Policies/ListIdentities")).isEqualTo(Permission.READ);
        assertThat(Authorizer.permission("qnf.v1.Policies/Apply")).isEqualTo(Permission.WRITE);
        assertThat(Authorizer.permission("qnf.v1.Ipam/Label")).isEqualTo(Permission.WRITE);
        allowed("viewer", "qnf.v1.Policies/Explain");
        allowed("viewer", "GET /v1/policies");
        denied("viewer", "qnf.v1.Policies/Apply");
        denied("viewer", "POST /v1/policies");
    }

    @Test
    void anUnlistedRouteIsAWriteUnlessItIsAGet() {
        assertThat(Authorizer.permission("PATCH /v1/something/new")).isEqualTo(Permission.WRITE);
        assertThat(Authorizer.permission("qnf.v1.Future/DoIt")).isEqualTo(Permission.WRITE);
        denied("viewer", "qnf.v1.Future/DoIt");
    }

    @Test
    void nodesWriteOnlyTheirOwnRecordsAndOnlyOverRest() {
        allowed("node", "POST /v1/networks/:name/allocations");
        allowed("node", "POST /v1/networks/:name/allocations/:endpoint/labels");
        denied("node", "qnf.v1.Ipam/Label");
        denied("node", "qnf.v1.Policies/Apply");
        denied("node", "POST /v1/policies");
        denied("node", "POST /v1/networks");
        denied("node", "GET /v1/audit");
    }

    @Test
    void clusterAndSecurityOperationsNeedTheirRoles() {
        allowed("server", "POST /v1/cluster/members");
        denied("operator", "POST /v1/cluster/members");
        denied("server", "POST /v1/networks");
        denied("operator", "POST /v1/tokens");
        allowed("admin", "POST /v1/tokens");
        allowed("operator", "GET /v1/audit");
    }

    @Test
    void everyRoleMayRenewItsOwnCertificate() {
        for (String role : new String[]{"admin", "operator", "viewer", "node", "server"}) {
            allowed(role, "POST /v1/certificates/renew");
        }
        denied("root", "POST /v1/certificates/renew");
    }

    @Test
    void unknownRoleLabelsGrantNothing() {
        denied("root", "GET /v1/networks");
    }
}
