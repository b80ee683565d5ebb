package httpserver

import (
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/stretchr/testify/assert"
)

func TestInFlightQueuesInsteadOfRejecting(t *testing.T) {
	app := fiber.New()
	var now, most atomic.Int32
	app.Get("/", InFlight(2), func(c *fiber.Ctx) error {
		n := now.Add(1)
		for {
			m := most.Load()
			if n <= m || most.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
		now.Add(-1)
		return c.SendString("ok")
	})
	var wg sync.WaitGroup
	codes := make(chan int, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := app.Test(httptest.NewRequest("GET", "/", nil), 5000)
			if err != nil {
				codes <- 0
				return
			}
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		assert.Equal(t, 200, c, "every request is served")
	}
	assert.LessOrEqual(t, most.Load(), int32(2), "never more than the limit at once")
	assert.Equal(t, int32(2), most.Load(), "the limit is used")
}
