// Package rawhttp speaks HTTP/1.1 on a bare TCP connection for the tests
// that must control the bytes and their timing — request smuggling, slow
// and cut bodies — which no HTTP client lets a test do.
package rawhttp

import (
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// Exchange dials addr (host:port, or a base URL "http://host:port"),
// sends head and then the parts, waiting pause before each part after the
// first, and returns everything the server sent until it closed the
// connection. closed is false when it was still open after wait.
func Exchange(t testing.TB, addr, head string, pause, wait time.Duration, parts ...string) (got string, closed bool) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(addr, "http://"))
	if err != nil {
		t.Fatalf("rawhttp: dialling %s: %v", addr, err)
	}
	defer c.Close()
	go func() {
		if _, err := io.WriteString(c, head); err != nil {
			return
		}
		for i, p := range parts {
			if i > 0 {
				time.Sleep(pause)
			}
			if _, err := io.WriteString(c, p); err != nil {
				return
			}
		}
	}()
	_ = c.SetReadDeadline(time.Now().Add(wait))
	b, err := io.ReadAll(c)
	return string(b), err == nil
}

// Answers counts the HTTP/1.1 status lines in what a server sent: how
// many requests it answered on the connection.
func Answers(got string) int { return strings.Count(got, "HTTP/1.1 ") }
