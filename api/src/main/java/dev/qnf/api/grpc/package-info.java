/**
 * The gRPC surface: the generated {@code qnf.v1} services implemented as thin translations onto the application
 * services. Failures are mapped to gRPC statuses in one place, {@link dev.qnf.api.grpc.GrpcErrors}.
 */
package dev.qnf.api.grpc;
