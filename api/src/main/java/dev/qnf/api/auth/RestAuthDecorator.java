package dev.qnf.api.auth;

import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.server.DecoratingHttpServiceFunction;
import com.linecorp.armeria.server.HttpService;
import com.linecorp.armeria.server.ServiceRequestContext;

/** Runs {@link AccessControl} before every REST handler; refusals go through the REST error handler. */
public final class RestAuthDecorator implements DecoratingHttpServiceFunction {
    private final AccessControl access;

    public RestAuthDecorator(AccessControl access) {
        this.access = access;
    }

    @Override
    public HttpResponse serve(HttpService delegate, ServiceRequestContext ctx, HttpRequest req) throws Exception {
        Caller caller = access.authenticate(ctx);
        access.authorize(caller, req.method() + " " + ctx.config().route().patternString());
        Caller.set(ctx, caller);
        return delegate.serve(ctx, req);
    }
}
