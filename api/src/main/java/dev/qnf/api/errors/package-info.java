/**
 * The error model, in one place. Refusals from the state machine arrive as {@code Reply.Rejected} values; the
 * application service turns them, bad input and cluster failures into {@link dev.qnf.api.errors.ApiException};
 * {@link dev.qnf.api.errors.Errors#classify} is the one mapping from any failure to an {@link dev.qnf.api.errors.ApiCode},
 * which fixes the HTTP status, the gRPC status and the stable code string.
 */
package dev.qnf.api.errors;
