package dev.qnf.api.auth;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AttributeKey;

import java.util.Set;

/**
 * Who is calling: a principal (a certificate subject, a node name, "anonymous") and its roles. It travels in the
 * request context; read it with {@link #current()}.
 */
public record Caller(String principal, Set<String> roles) {
    public static final Caller ANONYMOUS = new Caller("anonymous", Set.of());
    static final AttributeKey<Caller> KEY = AttributeKey.valueOf(Caller.class, "CALLER");

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** The caller of the request being served, or {@link #ANONYMOUS} outside of one. */
    public static Caller current() {
        RequestContext ctx = RequestContext.currentOrNull();
        Caller caller = ctx == null ? null : ctx.attr(KEY);
        return caller == null ? ANONYMOUS : caller;
    }

    static void set(ServiceRequestContext ctx, Caller caller) {
        ctx.setAttr(KEY, caller);
    }
}
