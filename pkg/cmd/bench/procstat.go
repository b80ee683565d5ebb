package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTicks is the kernel's USER_HZ on Linux.
const clockTicks = 100

// rssMiB reads a process's resident memory.
func rssMiB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

// cpuSeconds reads a process's user+system CPU time.
func cpuSeconds(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which may hold spaces, in parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndex(s, ")")+2:])
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / clockTicks
}

// sampler records each watched process's peak RSS while load runs.
type sampler struct {
	mu   sync.Mutex
	peak map[string]float64
	pids map[string]int
	stop chan struct{}
	done chan struct{}
}

func newSampler(pids map[string]int) *sampler {
	s := &sampler{peak: map[string]float64{}, pids: pids, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.mu.Lock()
				for name, pid := range s.pids {
					if r := rssMiB(pid); r > s.peak[name] {
						s.peak[name] = r
					}
				}
				s.mu.Unlock()
			}
		}
	}()
	return s
}

func (s *sampler) Stop() map[string]float64 {
	close(s.stop)
	<-s.done
	return s.peak
}
