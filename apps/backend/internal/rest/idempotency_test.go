package rest_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/apps/backend/internal/testenv"
	"github.com/todo-app/todo-app/pkg/api"
)

// A change sent again with its Idempotency-Key is answered as the first
// time and made once; the key is the sender's own, tied to its request.
func TestIdempotencyKeyMakesAChangeOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := testenv.Start(t, pg)
	ada, adaAuth := b.SignUp(t, "ada@example.com")
	_, bobAuth := b.SignUp(t, "bob@example.com")
	tasksURL := func(a api.AuthResponse) string { return b.URL + "/api/" + a.User.ID + "/tasks" }
	send := func(a api.AuthResponse, method, url, key, body string) response {
		h := http.Header{"Content-Type": {"application/json"}, "Idempotency-Key": {key}}
		return callWith(t, method, url, a.Token, h, body)
	}

	first := send(adaAuth, http.MethodPost, tasksURL(adaAuth), "k-1", `{"title":"Pay rent"}`)
	require.Equal(t, http.StatusCreated, first.Status, first.Raw)
	again := send(adaAuth, http.MethodPost, tasksURL(adaAuth), "k-1", `{"title":"Pay rent"}`)
	assert.Equal(t, http.StatusCreated, again.Status)
	assert.Equal(t, first.Raw, again.Raw, "the first answer, byte for byte")
	assert.Equal(t, "true", again.Header.Get("Idempotent-Replayed"))
	assert.Empty(t, first.Header.Get("Idempotent-Replayed"))
	list, err := ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Equal(t, 1, list.Total, "one task, not two")

	other := send(adaAuth, http.MethodPost, tasksURL(adaAuth), "k-1", `{"title":"Something else"}`)
	assert.Equal(t, http.StatusUnprocessableEntity, other.Status, "the same key with another request")
	assert.Contains(t, other.errFields(), "Idempotency-Key")

	bob := send(bobAuth, http.MethodPost, tasksURL(bobAuth), "k-1", `{"title":"Pay rent"}`)
	assert.Equal(t, http.StatusCreated, bob.Status, "keys are per person: Bob's k-1 is his own")
	assert.Empty(t, bob.Header.Get("Idempotent-Replayed"))
	assert.NotEqual(t, first.Raw, bob.Raw)

	// A refused change is answered the same way again, and changes nothing.
	bad := send(adaAuth, http.MethodPost, tasksURL(adaAuth), "k-2", `{"title":""}`)
	require.Equal(t, http.StatusUnprocessableEntity, bad.Status)
	badAgain := send(adaAuth, http.MethodPost, tasksURL(adaAuth), "k-2", `{"title":""}`)
	assert.Equal(t, bad.Raw, badAgain.Raw)
	assert.Equal(t, "true", badAgain.Header.Get("Idempotent-Replayed"))

	// Other changes too: a delete sent twice is answered 204 twice.
	id := int(first.Body["id"].(float64))
	taskURL := fmt.Sprintf("%s/%d", tasksURL(adaAuth), id)
	assert.Equal(t, http.StatusNoContent, send(adaAuth, http.MethodDelete, taskURL, "k-3", "").Status)
	del := send(adaAuth, http.MethodDelete, taskURL, "k-3", "")
	assert.Equal(t, http.StatusNoContent, del.Status, "not 404: the first answer")
	assert.Equal(t, "true", del.Header.Get("Idempotent-Replayed"))

	for _, key := range []string{"has space", "ключ", strings.Repeat("a", 256)} {
		r := send(adaAuth, http.MethodPost, tasksURL(adaAuth), key, `{"title":"x"}`)
		assert.Equal(t, http.StatusUnprocessableEntity, r.Status, "key %q", key)
	}
	list, err = ada.ListTasks(ctx, api.TaskQuery{Status: "all"})
	require.NoError(t, err)
	assert.Equal(t, 0, list.Total, "nothing else was written")
}
