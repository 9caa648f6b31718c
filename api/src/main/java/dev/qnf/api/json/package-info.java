/**
 * The REST/JSON wire model: plain records shared by the server's REST surface and {@link dev.qnf.api.client.QnfClient}.
 * Nothing here imports Armeria, gRPC or consensus, so the client stays light. Absent optional fields are omitted
 * when written; numbers are JSON numbers.
 */
package dev.qnf.api.json;
