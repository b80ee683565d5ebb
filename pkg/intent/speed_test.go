package intent

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// holdoutMessages are every message of the assistant's hold-outs (each
// turn of each dialogue), the phrases the speed bound is stated over
// (issue #31: p99 over the hold-out's phrases on this machine).
func holdoutMessages(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob("../../apps/chatbot/internal/assistant/testdata/*.txt")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no hold-out files found (%v)", err)
	}
	var out []string
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			tb.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			said, _, ok := strings.Cut(line, " :: ")
			if !ok || strings.HasPrefix(line, "#") {
				continue
			}
			for turn := range strings.SplitSeq(said, " >> ") {
				out = append(out, turn)
			}
		}
		f.Close()
	}
	return out
}

// BenchmarkParseHoldoutP99 parses the hold-out messages in turn, one per
// iteration (make bench's 2000 iterations take each once or more), and
// reports the 50th and 99th percentiles of one message's parse, the
// figure the speed bound is about (under 1 ms p99).
func BenchmarkParseHoldoutP99(b *testing.B) {
	now, loc := fixedNow(b)
	msgs := holdoutMessages(b)
	var took []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		Parse(msgs[i%len(msgs)], now, loc)
		took = append(took, time.Since(start))
		i++
	}
	slices.Sort(took)
	b.ReportMetric(float64(took[len(took)/2].Microseconds()), "p50-µs/msg")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds()), "p99-µs/msg")
	b.ReportMetric(float64(len(msgs)), "msgs")
}
