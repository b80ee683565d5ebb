package api

// A change to a person's data (any method but GET under /api/{user_id}/,
// the import aside) may carry IdempotencyKeyHeader: a second request
// with the same key, from the same person, within 24 hours, gets the
// first one's answer, marked with IdempotentReplayedHeader, instead of
// making the change twice. The same key with a different request is
// refused (422). Answers 500 and over are not kept.
const (
	IdempotencyKeyHeader     = "Idempotency-Key"
	IdempotentReplayedHeader = "Idempotent-Replayed"
)

// TakesIdempotencyKey says whether a per-user route (its path under
// /api/{user_id}, e.g. "/tasks/:id") honours IdempotencyKeyHeader: every
// change but the import, whose body is a stream and whose rows carry
// their own dedupe keys.
func TakesIdempotencyKey(method, userPath string) bool {
	return method != "GET" && method != "HEAD" && userPath != "/import"
}
