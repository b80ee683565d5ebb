package httpserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/todo-app/todo-app/pkg/apierror"
)

// The time limits of a streamed body (an import file): it must keep
// arriving, and arrive whole within a bound. 100 MB within 30 minutes is
// about 0.45 Mbit/s, below the slowest home uplinks; 30 s without a byte
// is a link that has gone, not a slow one.
const (
	DefaultUploadIdle = 30 * time.Second
	DefaultUploadTime = 30 * time.Minute
)

// tooLargeHeader marks a request whose declared body is over its limit:
// checkLength sets it, with a length of 0 so that fasthttp reads none of
// the body, and limitBody answers 413. A client's own is removed first.
const tooLargeHeader = "X-Todo-Body-Too-Large"

// limitFor is the body limit of a request, and whether it is streamed.
func (s *Server) limitFor(method, path string) (limit int, stream bool) {
	if s.opts.StreamBodies(method, path) {
		return s.opts.StreamBodyLimit, true
	}
	return s.opts.BodyLimit, false
}

// checkLength runs as soon as a request's header is read, before fasthttp
// reads ahead into its body (with streamed bodies it waits for the first
// 8 KiB, up to the read timeout): a declared length over the request's
// limit is answered 413 at once.
func (s *Server) checkLength(h *fasthttp.RequestHeader) fasthttp.RequestConfig {
	h.Del(tooLargeHeader)
	if n := h.ContentLength(); n > 0 {
		uri := fasthttp.AcquireURI()
		defer fasthttp.ReleaseURI(uri)
		_ = uri.Parse(nil, h.RequestURI())
		if limit, _ := s.limitFor(string(h.Method()), string(uri.PathOriginal())); limit > 0 && n > limit {
			h.Set(tooLargeHeader, strconv.Itoa(limit))
			h.SetContentLength(0)
		}
	}
	return fasthttp.RequestConfig{}
}

// limitBody reads every body but the streamed ones whole, within
// BodyLimit: a handler never meets a half-read body. The streamed ones go
// to the handler as a BodyStream. Whenever a body is not read to its end
// (refused early, over its limit, cut by a timeout or the client) the
// connection closes after the answer: what is left of the body must never
// be read as the client's next request.
func (s *Server) limitBody(c *fiber.Ctx) error {
	req := c.Request()
	if v := req.Header.Peek(tooLargeHeader); len(v) > 0 {
		closeAfter(c)
		if _, stream := s.limitFor(c.Method(), c.Path()); stream && s.opts.StreamTooLarge != nil {
			return s.opts.StreamTooLarge
		}
		limit, _ := strconv.Atoi(string(v))
		return tooLarge(limit)
	}
	if !req.IsBodyStream() {
		return c.Next()
	}
	limit, stream := s.limitFor(c.Method(), c.Path())
	if stream {
		b := &BodyStream{r: req.BodyStream(), conn: c.Context().Conn(), idle: s.opts.UploadIdle, until: time.Now().Add(s.opts.UploadTime)}
		c.Locals(bodyStreamKey{}, b)
		err := c.Next()
		if !b.ended {
			closeAfter(c)
		}
		return err
	}
	b, err := io.ReadAll(io.LimitReader(req.BodyStream(), int64(limit)+1))
	switch {
	case err != nil:
		closeAfter(c)
		return BodyError(err)
	case len(b) > limit:
		closeAfter(c)
		return tooLarge(limit)
	}
	req.SetBody(b)
	return c.Next()
}

func tooLarge(limit int) error {
	what := fmt.Sprintf("%d KiB", limit>>10)
	if limit >= 1<<20 && limit%(1<<20) == 0 {
		what = fmt.Sprintf("%d MiB", limit>>20)
	}
	return apierror.New(fiber.StatusRequestEntityTooLarge, apierror.CodeTooLarge, "request body is too large (limit "+what+")")
}

// closeAfter closes the connection once the answer is sent, lingering on
// it a moment: a client still sending its body then sees the answer
// rather than a reset (see countedConn.Close).
func closeAfter(c *fiber.Ctx) {
	c.Response().SetConnectionClose()
	if cc, ok := c.Context().Conn().(*countedConn); ok {
		cc.linger.Store(true)
	}
}

// BodyError is the answer to a body that could not be read to its end:
// 408 when it stopped arriving or took too long, 400 when it was cut off.
func BodyError(err error) error {
	var ne net.Error
	if errors.Is(err, os.ErrDeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() {
		return apierror.New(fiber.StatusRequestTimeout, apierror.CodeTimeout,
			"the request body stopped arriving or took too long; nothing was done, send it again")
	}
	return apierror.BadRequest("the request body was cut off; nothing was done, send it again")
}

// BodyStream is a request body read as it arrives (Options.StreamBodies),
// within UploadIdle between reads and UploadTime in all. It remembers its
// end: once the body has ended, fasthttp's stream would wait on the
// connection for the next request's bytes.
type BodyStream struct {
	r     io.Reader
	conn  net.Conn // nil for a body already in memory
	idle  time.Duration
	until time.Time
	ended bool
	err   error
}

// RequestBody returns the request's body as a stream: never c.Body(),
// which reads the whole of it into memory (and, on a streamed route,
// within the server's read timeout).
func RequestBody(c *fiber.Ctx) *BodyStream {
	if b, ok := c.Locals(bodyStreamKey{}).(*BodyStream); ok {
		return b
	}
	// A server without streamed bodies read this one already.
	b := &BodyStream{r: bytes.NewReader(c.Body())}
	c.Locals(bodyStreamKey{}, b)
	return b
}

// bodyStreamKey holds a request's BodyStream, for limitBody to see
// whether it was read to its end.
type bodyStreamKey struct{}

func (b *BodyStream) Read(p []byte) (int, error) {
	switch {
	case b.ended:
		return 0, io.EOF
	case b.err != nil:
		return 0, b.err
	}
	if b.conn != nil {
		d := time.Now().Add(b.idle)
		if d.After(b.until) {
			d = b.until
		}
		_ = b.conn.SetReadDeadline(d)
	}
	n, err := b.r.Read(p)
	switch {
	case errors.Is(err, io.EOF):
		b.ended = true
	case err != nil:
		b.err = err
	}
	return n, err
}

// Err is why the body could not be read to its end (a timeout, a client
// gone, a broken chunk), nil if it could; answer it with BodyError.
func (b *BodyStream) Err() error { return b.err }

// Deadline is when the body must have arrived whole (zero for a body in
// memory): what the work on it may take is counted from there.
func (b *BodyStream) Deadline() time.Time { return b.until }

// Finish reads what the handler left of the body (a JSON decoder stops
// at the end of its value, before the chunked encoding's last bytes), so
// that the connection can carry the next request; past a little, the
// connection is closed instead.
func (b *BodyStream) Finish(c *fiber.Ctx) {
	const most = 64 << 10
	if n, _ := io.CopyN(io.Discard, b, most); n == most {
		closeAfter(c)
	}
}
