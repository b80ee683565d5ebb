package httpserver

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/todo-app/todo-app/pkg/apierror"
)

// DefaultMaxConns is how many connections one process keeps open when
// Options.MaxConns is not set (and the file limit allows it). An idle
// reminder stream costs about 5 KiB (make bench -events), so 10 000 stay
// well inside a frontend's 128 MiB.
const DefaultMaxConns = 10000

// maxConnsFor is the connection cap for a process whose open-file limit
// is files: the wanted one (DefaultMaxConns when 0), lowered to leave an
// eighth of the limit (at least 128) for what else the process opens:
// the backend client's and the database pool's connections, files, the
// metrics listener. 0 files means the limit is unknown.
func maxConnsFor(want int, files uint64) int {
	if want <= 0 {
		want = DefaultMaxConns
	}
	if files == 0 {
		return want
	}
	headroom := max(128, files/8)
	if files <= headroom {
		return max(1, int(files/2))
	}
	return int(min(uint64(want), files-headroom))
}

// openFileLimit is the process's soft RLIMIT_NOFILE (Go raises it to the
// hard limit at start), 0 when it cannot be read.
func openFileLimit() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 0
	}
	return rl.Cur
}

// guardedListener keeps a server alive when connections pile up:
// fasthttp stops serving for good on any accept error but a timeout, and
// "too many open files" is one that passes once connections close. So a
// temporary accept error is waited out here with a growing pause (5 ms
// up to 1 s, as net/http does), and a connection past max is answered
// 503 and closed at once, so that the process never comes near its file
// limit. Connections count until closed, including those a handler
// took over (the reminder streams): fasthttp's own Concurrency forgets
// those.
type guardedListener struct {
	net.Listener
	max   int
	open  atomic.Int64
	log   *slog.Logger
	sleep func(time.Duration)
	busy  []byte
	// lastRefusal rate-limits the log line about refused connections
	// (unix nanoseconds).
	lastRefusal atomic.Int64
}

func newGuardedListener(ln net.Listener, maxConns int, log *slog.Logger) *guardedListener {
	body := fmt.Sprintf(`{"error":{"code":%q,"message":"the server has too many connections open; try again in a few seconds"}}`, apierror.CodeUnavailable)
	busy := fmt.Appendf(nil, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 5\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	return &guardedListener{Listener: ln, max: maxConns, log: log, sleep: time.Sleep, busy: busy}
}

// temporaryAcceptError says whether an accept error passes by itself:
// out of file descriptors or kernel memory, or a connection that was
// reset before it was accepted.
func temporaryAcceptError(err error) bool {
	for _, errno := range []syscall.Errno{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.EINTR, syscall.EAGAIN} {
		if errors.Is(err, errno) {
			return true
		}
	}
	return false
}

func (l *guardedListener) Accept() (net.Conn, error) {
	var pause time.Duration
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			if !temporaryAcceptError(err) {
				return nil, err
			}
			if pause == 0 {
				pause = 5 * time.Millisecond
				l.log.Warn("accepting connections failed; retrying", slog.String("error", err.Error()), slog.Int64("open", l.open.Load()))
			} else {
				pause = min(2*pause, time.Second)
			}
			l.sleep(pause)
			continue
		}
		if l.open.Add(1) > int64(l.max) {
			l.open.Add(-1)
			l.refuse(c)
			continue
		}
		return &countedConn{Conn: c, l: l}, nil
	}
}

// refuse answers 503 on a connection past the cap and closes it. A new
// connection's send buffer is empty, so the write does not wait on the
// client; the deadline covers the odd case.
func (l *guardedListener) refuse(c net.Conn) {
	_ = c.SetWriteDeadline(time.Now().Add(100 * time.Millisecond))
	_, _ = c.Write(l.busy)
	_ = c.Close()
	now := time.Now().UnixNano()
	if last := l.lastRefusal.Load(); now-last > int64(time.Minute) && l.lastRefusal.CompareAndSwap(last, now) {
		l.log.Warn("refusing connections: the process has its most open", slog.Int("max_conns", l.max))
	}
}

// countedConn gives its slot back when closed (once, however often Close
// is called).
type countedConn struct {
	net.Conn
	l    *guardedListener
	once sync.Once
	// linger: the connection closes with a body unread (closeAfter).
	linger atomic.Bool
}

// Lingering close: a connection closed with unread input answers the
// client with a reset, which can destroy the answer it has not read yet
// (a 413 to a body still being sent). So the sending side closes first
// and what still arrives is read and dropped, for at most lingerTime and
// lingerBytes, as web servers do.
const (
	lingerTime  = 2 * time.Second
	lingerBytes = 8 << 20
)

func (c *countedConn) Close() error {
	if c.linger.CompareAndSwap(true, false) {
		if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok && cw.CloseWrite() == nil {
			_ = c.Conn.SetReadDeadline(time.Now().Add(lingerTime))
			_, _ = io.CopyN(io.Discard, c.Conn, lingerBytes)
		}
	}
	err := c.Conn.Close()
	c.once.Do(func() { c.l.open.Add(-1) })
	return err
}
