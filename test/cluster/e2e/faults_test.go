package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/todo-app/todo-app/infra/stack"
	"github.com/todo-app/todo-app/pkg/gowork"
	"github.com/todo-app/todo-app/test/cluster/kube"
)

// webUser is a browser signed in to the web app at the NodePort, without
// JavaScript: forms with their CSRF token.
type webUser struct {
	c    *http.Client
	csrf string
	base string // the web app's address
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func newWebUser(t *testing.T, email string) *webUser { return newWebUserAt(t, webURL, nil, email) }

// newWebUserAt is newWebUser with the web app at base, reached through
// transport (nil: the default one).
func newWebUserAt(t *testing.T, base string, transport http.RoundTripper, email string) *webUser {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	u := &webUser{base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	token := func(path string) string {
		resp, err := u.c.Get(u.base + path)
		require.NoError(t, err)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		m := csrfField.FindStringSubmatch(string(body))
		require.NotNil(t, m, "no CSRF token on %s (%d)", path, resp.StatusCode)
		return m[1]
	}
	resp, err := u.c.PostForm(u.base+"/signup", url.Values{"email": {email}, "password": {"correct horse"}, "name": {"Faults"}, "_csrf": {token("/signup")}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	u.csrf = token("/tasks/new")
	return u
}

// create adds a task through the web app's form: 303 means the backend
// stored it (acknowledged); anything else is returned as the status.
func (u *webUser) create(title string) (int, error) {
	resp, err := u.c.PostForm(u.base+"/tasks", url.Values{"title": {title}, "priority": {"medium"}, "recurrence": {"none"}, "_csrf": {u.csrf}})
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// count lists the titles starting with prefix that the user's task list
// shows, page by page.
func (u *webUser) count(t *testing.T, prefix string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	re := regexp.MustCompile(regexp.QuoteMeta(prefix) + `[0-9]+`)
	for page := 1; page < 200; page++ {
		var body []byte
		require.Eventually(t, func() bool {
			resp, err := u.c.Get(fmt.Sprintf("%s/tasks?status=all&q=%s&page=%d", u.base, url.QueryEscape(prefix), page))
			if err != nil {
				return false
			}
			body, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			// 429: the load loop spent this user's request budget; wait.
			return resp.StatusCode == http.StatusOK
		}, time.Minute, time.Second, "listing the tasks")
		found := re.FindAllString(string(body), -1)
		before := len(seen)
		for _, f := range found {
			seen[f] = true
		}
		if len(seen) == before {
			break
		}
	}
	return seen
}

// readCounts counts the GETs of a readLoop.
type readCounts struct {
	total, failed atomic.Int64
	done          chan struct{} // closed when the loop has ended
}

// readLoop GETs url every 25 ms until stop closes; an answer other than
// 200 is a failure.
func readLoop(url string, stop <-chan struct{}) *readCounts {
	r := &readCounts{done: make(chan struct{})}
	go func() {
		defer close(r.done)
		c := &http.Client{Timeout: 10 * time.Second}
		for {
			select {
			case <-stop:
				return
			case <-time.After(25 * time.Millisecond):
			}
			resp, err := c.Get(url)
			r.total.Add(1)
			if err != nil || resp.StatusCode != http.StatusOK {
				r.failed.Add(1)
			}
			if err == nil {
				resp.Body.Close()
			}
		}
	}()
	return r
}

// loadResult is what a bounded request loop saw.
type loadResult struct {
	acked                   []string
	ok, unavailable, failed int64
	failures                []string
}

// createLoop adds tasks through the web app until stop closes, recording
// which were acknowledged and how the others were answered.
func createLoop(u *webUser, prefix string, stop <-chan struct{}) *loadResult {
	res := &loadResult{}
	for i := 0; ; i++ {
		select {
		case <-stop:
			return res
		case <-time.After(40 * time.Millisecond): // within a user's request budget
		}
		title := fmt.Sprintf("%s%d", prefix, i)
		status, err := u.create(title)
		switch {
		case err == nil && status == http.StatusSeeOther:
			res.ok++
			res.acked = append(res.acked, title)
		case err == nil && status == http.StatusServiceUnavailable:
			res.unavailable++ // the product's "try again" page: allowed while the database is down
		default:
			res.failed++
			res.failures = append(res.failures, fmt.Sprintf("%s %s: status %d err %v", time.Now().Format("15:04:05.000"), title, status, err))
		}
	}
}

// reliability collects each fault's figures for docs/reliability.md.
type reliability struct {
	mu   sync.Mutex
	rows []string
}

func (r *reliability) add(fault string, requests, failed, lost int64, recovery string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rows = append(r.rows, fmt.Sprintf("| %s | %d | %d | %d | %s |", fault, requests, failed, lost, recovery))
}

// write puts the table in test-output/reliability.md (copied into docs by
// hand with the machine and date, as the benchmark figures are).
func (r *reliability) write(t *testing.T) {
	root, err := gowork.Root()
	require.NoError(t, err)
	dir := filepath.Join(root, "test-output")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	body := "| fault | requests | failed (not 303/503) | acknowledged writes lost | recovery |\n|---|---|---|---|---|\n" + strings.Join(r.rows, "\n") + "\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "reliability.md"), []byte(body), 0o644))
	t.Logf("reliability figures:\n%s", body)
}

// faults runs the product's reliability promises against the deployed
// default stack: a database pod deleted under writes loses no
// acknowledged write and answers 503 while down; a backend pod and a web
// pod deleted under load fail no request.
func faults(t *testing.T, ctx context.Context, cp *kube.ControlPlane, node *kube.Node, dbVolume string, why *failureNotes) {
	client := cp.Client
	rep := &reliability{}
	defer rep.write(t)
	u := newWebUser(t, "faults@example.com")

	t.Run("database pod deleted under writes", func(t *testing.T) {
		stop := make(chan struct{})
		done := make(chan *loadResult)
		go func() { done <- createLoop(u, "db-fault-", stop) }()
		time.Sleep(2 * time.Second)
		pod := stack.PostgresName + "-0"
		require.NoError(t, client.CoreV1().Pods(namespace).Delete(ctx, pod, metav1.DeleteOptions{}))
		deleted := time.Now()
		// Back when the StatefulSet's new pod is Ready on the same volume.
		var ready time.Time
		require.Eventually(t, func() bool {
			p, err := client.CoreV1().Pods(namespace).Get(ctx, pod, metav1.GetOptions{})
			if err != nil || p.CreationTimestamp.Time.Before(deleted) || len(p.Status.ContainerStatuses) == 0 || !p.Status.ContainerStatuses[0].Ready {
				return false
			}
			ready = time.Now()
			return true
		}, 3*time.Minute, 500*time.Millisecond, "the database pod comes back")
		// The first acknowledged create after Ready.
		var firstOK time.Time
		require.Eventually(t, func() bool {
			status, err := u.create(fmt.Sprintf("db-probe-%d", time.Now().UnixNano()))
			if err == nil && status == http.StatusSeeOther {
				firstOK = time.Now()
				return true
			}
			return false
		}, 2*time.Minute, 250*time.Millisecond, "writes work again")
		time.Sleep(2 * time.Second)
		close(stop)
		res := <-done

		seen := u.count(t, "db-fault-")
		var lost []string
		for _, title := range res.acked {
			if !seen[title] {
				lost = append(lost, title)
			}
		}
		figures := fmt.Sprintf("database fault: %d acknowledged, %d answered 503, %d failed; back %.1fs after delete, first write %.1fs after Ready",
			res.ok, res.unavailable, res.failed, ready.Sub(deleted).Seconds(), firstOK.Sub(ready).Seconds())
		t.Log(figures)
		why.onFailure(t, func() string { return figures + "\n" + strings.Join(res.failures, "\n") })
		assert.Greater(t, res.ok, int64(20), "the loop wrote before and after")
		assert.Empty(t, lost, "acknowledged writes lost")
		assert.Zero(t, res.failed, "requests that neither succeeded nor got the 503 page:\n%s", strings.Join(res.failures, "\n"))
		rep.add("delete the database pod (writes through the web app)", res.ok+res.unavailable+res.failed, res.failed, int64(len(lost)),
			fmt.Sprintf("pod Ready %.0f s after delete; first write %.1f s after Ready; %d requests got the 503 page meanwhile",
				ready.Sub(deleted).Seconds(), firstOK.Sub(ready).Seconds(), res.unavailable))
	})

	for _, target := range []struct{ name, label string }{{"backend", "backend"}, {"web", "frontend-web"}} {
		t.Run(target.name+" pod deleted under load", func(t *testing.T) {
			pods, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=" + target.label})
			require.NoError(t, err)
			require.GreaterOrEqual(t, len(pods.Items), 2, "two replicas to fail over to")
			stop := make(chan struct{})
			done := make(chan *loadResult)
			go func() { done <- createLoop(u, target.name+"-fault-", stop) }()
			reads := readLoop(webURL+"/signin", stop)
			time.Sleep(2 * time.Second)
			victim := pods.Items[0].Name
			require.NoError(t, client.CoreV1().Pods(namespace).Delete(ctx, victim, metav1.DeleteOptions{}))
			deleted := time.Now()
			require.Eventually(t, func() bool {
				list, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{LabelSelector: "app=" + target.label})
				if err != nil {
					return false
				}
				ready := 0
				for _, p := range list.Items {
					if p.Name == victim {
						return false // still terminating
					}
					for _, c := range p.Status.Conditions {
						if c.Type == "Ready" && c.Status == "True" {
							ready++
						}
					}
				}
				return ready >= 2
			}, 2*time.Minute, 250*time.Millisecond, "the deleted pod is gone and a replacement is Ready")
			back := time.Since(deleted)
			time.Sleep(2 * time.Second)
			close(stop)
			res := <-done
			<-reads.done
			seen := u.count(t, target.name+"-fault-")
			var lost int64
			for _, title := range res.acked {
				if !seen[title] {
					lost++
				}
			}
			figures := fmt.Sprintf("%s fault: %d writes (%d failed, %d 503), %d reads (%d failed), %d acknowledged writes lost; replacement available %.1fs after delete",
				target.name, res.ok+res.failed+res.unavailable, res.failed, res.unavailable, reads.total.Load(), reads.failed.Load(), lost, back.Seconds())
			t.Log(figures)
			why.onFailure(t, func() string { return figures + "\n" + strings.Join(res.failures, "\n") })
			assert.Zero(t, res.failed+res.unavailable, "failed writes:\n%s", strings.Join(res.failures, "\n"))
			assert.Zero(t, reads.failed.Load(), "failed reads")
			assert.Zero(t, lost, "acknowledged writes lost")
			rep.add("delete one "+target.name+" pod (writes and reads)", res.ok+res.failed+res.unavailable+reads.total.Load(),
				res.failed+res.unavailable+reads.failed.Load(), lost, fmt.Sprintf("replacement available %.0f s after delete", back.Seconds()))
		})
	}

	// The node's own components: the kubelet killed outright, containerd
	// stopped; the running containers (their shims) carry on meanwhile.
	for _, c := range []struct {
		name string
		sig  syscall.Signal
	}{{"kubelet", syscall.SIGKILL}, {"containerd", syscall.SIGTERM}} {
		t.Run(fmt.Sprintf("%s %v and started again", c.name, c.sig), func(t *testing.T) {
			stop := make(chan struct{})
			done := make(chan *loadResult)
			go func() { done <- createLoop(u, c.name+"-fault-", stop) }()
			reads := readLoop(chatURL+"/signin", stop)
			time.Sleep(2 * time.Second)
			began := time.Now()
			require.NoError(t, node.Restart(ctx, cp, c.name, c.sig))
			back := time.Since(began)
			// Every pod Ready afterwards.
			require.Eventually(t, func() bool {
				pods, err := client.CoreV1().Pods(namespace).List(ctx, metav1.ListOptions{})
				if err != nil {
					return false
				}
				for _, p := range pods.Items {
					if p.Status.Phase == "Succeeded" {
						continue
					}
					ready := false
					for _, cond := range p.Status.Conditions {
						ready = ready || (cond.Type == "Ready" && cond.Status == "True")
					}
					if !ready {
						return false
					}
				}
				return true
			}, 2*time.Minute, 500*time.Millisecond, "every pod Ready after the %s restart", c.name)
			time.Sleep(3 * time.Second)
			close(stop)
			res := <-done
			<-reads.done
			seen := u.count(t, c.name+"-fault-")
			var lost int64
			for _, title := range res.acked {
				if !seen[title] {
					lost++
				}
			}
			figures := fmt.Sprintf("%s fault: %d writes (%d failed, %d 503), %d reads (%d failed); healthy again %.1fs after the signal",
				c.name, res.ok+res.failed+res.unavailable, res.failed, res.unavailable, reads.total.Load(), reads.failed.Load(), back.Seconds())
			t.Log(figures)
			why.onFailure(t, func() string { return figures + "\n" + strings.Join(res.failures, "\n") })
			assert.Greater(t, res.ok, int64(20), "the loop wrote throughout")
			assert.Zero(t, res.failed+res.unavailable, "failed writes:\n%s", strings.Join(res.failures, "\n"))
			assert.Zero(t, reads.failed.Load(), "failed reads")
			assert.Zero(t, lost, "acknowledged writes lost")
			rep.add(fmt.Sprintf("%s %s, start it again (writes and reads)", map[syscall.Signal]string{syscall.SIGKILL: "SIGKILL", syscall.SIGTERM: "stop (SIGTERM)"}[c.sig], c.name),
				res.ok+res.failed+res.unavailable+reads.total.Load(), res.failed+res.unavailable+reads.failed.Load(), lost,
				fmt.Sprintf("%s healthy again %.1f s after the signal; every pod Ready after", c.name, back.Seconds()))
		})
	}

	t.Run("database volume full", func(t *testing.T) {
		stop := make(chan struct{})
		done := make(chan *loadResult)
		go func() { done <- createLoop(u, "disk-fault-", stop) }()
		// Reads of the task list: 200, or the 503 page if PostgreSQL
		// restarts itself; anything else fails.
		var reads, readsUnavailable, readFails atomic.Int64
		readsDone := make(chan struct{})
		go func() {
			defer close(readsDone)
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				resp, err := u.c.Get(webURL + "/tasks")
				reads.Add(1)
				switch {
				case err != nil:
					readFails.Add(1)
				case resp.StatusCode == http.StatusServiceUnavailable:
					readsUnavailable.Add(1)
				case resp.StatusCode != http.StatusOK:
					readFails.Add(1)
				}
				if err == nil {
					resp.Body.Close()
				}
			}
		}()
		time.Sleep(2 * time.Second)
		filler := filepath.Join(dbVolume, "filler")
		full := fillDisk(t, filler)
		// Hold it full while the loop runs into it.
		time.Sleep(8 * time.Second)
		require.NoError(t, os.Remove(filler))
		freed := time.Now()
		var firstOK time.Time
		require.Eventually(t, func() bool {
			status, err := u.create(fmt.Sprintf("disk-probe-%d", time.Now().UnixNano()))
			if err == nil && status == http.StatusSeeOther {
				firstOK = time.Now()
				return true
			}
			return false
		}, 3*time.Minute, 250*time.Millisecond, "writes work again once space is freed, with no manual step")
		time.Sleep(2 * time.Second)
		close(stop)
		res := <-done
		<-readsDone
		seen := u.count(t, "disk-fault-")
		var lost int64
		for _, title := range res.acked {
			if !seen[title] {
				lost++
			}
		}
		figures := fmt.Sprintf("disk full (%d MiB filled): %d writes acknowledged, %d answered 503, %d failed; %d reads (%d 503, %d failed); first write %.1fs after the space was freed",
			full>>20, res.ok, res.unavailable, res.failed, reads.Load(), readsUnavailable.Load(), readFails.Load(), firstOK.Sub(freed).Seconds())
		t.Log(figures)
		why.onFailure(t, func() string { return figures + "\n" + strings.Join(res.failures, "\n") })
		assert.Positive(t, res.unavailable, "writes hit the full disk (answered 503) while it was full")
		assert.Zero(t, res.failed, "writes neither acknowledged nor answered 503:\n%s", strings.Join(res.failures, "\n"))
		assert.Zero(t, readFails.Load(), "reads that failed other than with the 503 page")
		assert.Zero(t, lost, "acknowledged writes lost")
		rep.add("fill the database volume, then free it (writes and reads)", res.ok+res.unavailable+res.failed+reads.Load(), res.failed+readFails.Load(), lost,
			fmt.Sprintf("%d writes got the 503 page while full; first write %.1f s after the space was freed, no manual step", res.unavailable, firstOK.Sub(freed).Seconds()))
	})
}

// fillDisk writes file until its file system has no space left, and
// returns how many bytes it wrote.
func fillDisk(t *testing.T, file string) int64 {
	t.Helper()
	f, err := os.Create(file)
	require.NoError(t, err)
	defer f.Close()
	chunk := make([]byte, 1<<20)
	var n int64
	for {
		w, err := f.Write(chunk)
		n += int64(w)
		if err != nil {
			require.ErrorIs(t, err, syscall.ENOSPC, "filling the volume")
			return n
		}
	}
}
