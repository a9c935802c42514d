package io.muninn.schemas;

/**
 * Cancel records: a {@link PromptRequest} with {@code cancel} true ends the live request with the same
 * {@code request_id} (finish reason {@code CANCELLED}, the tokens generated so far). Its other fields are not used;
 * in JSON {@code {"request_id": "r1", "cancel": true}} is enough, in Avro {@code input} is an empty
 * {@link PromptInput}, as {@link #of} builds it. Produce it with the same Kafka key as the request, so it lands on the
 * same partition after it.
 */
public final class Cancellation {
    private Cancellation() {
    }

    /** The cancel record for {@code requestId}, ready for single-object encoding. */
    public static PromptRequest of(String requestId) {
        return PromptRequest.newBuilder()
                .setRequestId(requestId)
                .setInput(PromptInput.newBuilder().build())
                .setCancel(true)
                .build();
    }

    /** Whether {@code request} is a cancel rather than a request to run. */
    public static boolean isCancel(PromptRequest request) {
        return Boolean.TRUE.equals(request.getCancel());
    }
}
