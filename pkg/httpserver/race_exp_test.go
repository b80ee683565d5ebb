package httpserver

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/require"
)

func TestExpShutdownRace(t *testing.T) {
	var fails, oks atomic.Int64
	for round := 0; round < 20; round++ {
		a, cancelA, doneA := start(t, Options{Name: "a"}, func(app *fiber.App) {
			app.Post("/x", func(c *fiber.Ctx) error { return c.SendStatus(201) })
		})
		b, _, _ := start(t, Options{Name: "b"}, func(app *fiber.App) {
			app.Post("/x", func(c *fiber.Ctx) error { return c.SendStatus(201) })
		})
		var draining atomic.Bool
		tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			target := a[len("http://"):]
			if draining.Load() {
				target = b[len("http://"):]
			}
			return (&net.Dialer{}).DialContext(ctx, network, target)
		}}
		c := &http.Client{Transport: tr}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					req, _ := http.NewRequest("POST", "http://svc/x", bytes.NewReader([]byte(`{}`)))
					req.Header.Set("Idempotency-Key", "k")
					resp, err := c.Do(req)
					if err != nil {
						fails.Add(1)
						t.Log(err)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					oks.Add(1)
					time.Sleep(time.Millisecond)
				}
			}()
		}
		time.Sleep(100 * time.Millisecond)
		draining.Store(true)
		cancelA()
		<-doneA
		time.Sleep(100 * time.Millisecond)
		close(stop)
		wg.Wait()
	}
	t.Logf("ok %d failed %d", oks.Load(), fails.Load())
	require.Zero(t, fails.Load())
}
