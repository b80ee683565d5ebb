package websession

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/todo-app/todo-app/pkg/api"
	"github.com/todo-app/todo-app/pkg/apierror"
	"github.com/todo-app/todo-app/pkg/client"
)

// The reminder streams of one process. A stream is not a goroutine: it
// is a connection taken over from the server and kept in a map. One
// goroutine writes the heartbeats and starts, on each tick, one poll per
// signed-in session (not per page: ten tabs of one browser share it), so
// an idle page costs its socket and a few hundred bytes (make bench
// -events) and the backend is asked once per browser, not once per tab.
type hub struct {
	poll, heartbeat time.Duration
	log             *slog.Logger
	// polls bounds how many sessions ask the backend at once.
	polls chan struct{}
	// perPerson bounds one person's streams in this process, whatever
	// sessions they hold (Reminders.PerPerson).
	perPerson int

	mu       sync.Mutex
	sessions map[string]*streamSession // by session token
	// people holds each person's places (by user id): a place is taken
	// before the stream opens, so that the one past the limit can still
	// be answered with a status.
	people map[string]map[*place]struct{}
	closed bool
}

// place is one of a person's streams, from its request to its end. One
// whose connection never reached the hub (fasthttp drops a connection
// that fails just before it is handed over, without calling us) is
// given back after pendingPlace.
type place struct {
	since time.Time
	open  bool
}

// pendingPlace is how long a place may wait for its stream: the opening
// question to the backend has a 10 s client timeout.
const pendingPlace = 30 * time.Second

type streamSession struct {
	be      *client.Client
	streams map[*stream]struct{}
	polling bool
}

// stream is one open page. mu makes each event one whole chunk on the
// wire although the heartbeat and the poll both write.
type stream struct {
	conn net.Conn
	mu   sync.Mutex
	last int64 // the newest notification the page has, or unknown
	// user and place: whose stream this is, given back when it ends.
	user  string
	place *place
}

// unknown is the last id of a page that has not been told what fired
// before it opened: its next poll asks for what is not seen yet.
const unknown = -1

// writeTimeout is how long one write to a page may take; a page that
// does not read for that long is let go (it reconnects by itself).
const writeTimeout = 10 * time.Second

func newHub(poll, heartbeat time.Duration, perPerson int, log *slog.Logger) *hub {
	return &hub{poll: poll, heartbeat: heartbeat, perPerson: perPerson, log: log, polls: make(chan struct{}, 16),
		sessions: map[string]*streamSession{}, people: map[string]map[*place]struct{}{}}
}

// reserve takes one of user's places, or nil when they have perPerson
// streams open or opening already.
func (h *hub) reserve(user string, now time.Time) *place {
	h.mu.Lock()
	defer h.mu.Unlock()
	places := h.people[user]
	for p := range places {
		if !p.open && now.Sub(p.since) > pendingPlace {
			delete(places, p)
		}
	}
	if len(places) >= h.perPerson {
		return nil
	}
	if places == nil {
		places = map[*place]struct{}{}
		h.people[user] = places
	}
	p := &place{since: now}
	places[p] = struct{}{}
	return p
}

// release gives a place back.
func (h *hub) release(user string, p *place) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.releaseLocked(user, p)
}

func (h *hub) releaseLocked(user string, p *place) {
	if places := h.people[user]; places != nil {
		delete(places, p)
		if len(places) == 0 {
			delete(h.people, user)
		}
	}
}

// write sends p as one HTTP/1.1 chunk.
func (s *stream) write(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	buf := make([]byte, 0, len(p)+16)
	buf = fmt.Appendf(buf, "%x\r\n", len(p))
	buf = append(append(buf, p...), "\r\n"...)
	_, err := s.conn.Write(buf)
	return err
}

// end writes the last chunk, so the body ends well, and closes.
func (s *stream) end() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.conn.SetWriteDeadline(time.Now().Add(time.Second))
	_, _ = s.conn.Write([]byte("0\r\n\r\n"))
	_ = s.conn.Close()
}

func event(name string, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Our own API types always marshal.
		panic(fmt.Sprintf("encoding a %s event: %v", name, err))
	}
	return fmt.Appendf(nil, "event: %s\ndata: %s\n\n", name, b)
}

// add keeps st open for the session token; false when the hub has shut.
func (h *hub) add(token string, be *client.Client, st *stream) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	// Past pendingPlace the place may have been given back: take it
	// again (a person may be one over the limit for a moment).
	st.place.open = true
	if h.people[st.user] == nil {
		h.people[st.user] = map[*place]struct{}{}
	}
	h.people[st.user][st.place] = struct{}{}
	ss := h.sessions[token]
	if ss == nil {
		ss = &streamSession{be: be, streams: map[*stream]struct{}{}}
		h.sessions[token] = ss
	}
	ss.streams[st] = struct{}{}
	return true
}

// drop forgets st and closes it.
func (h *hub) drop(token string, st *stream) {
	h.mu.Lock()
	if ss := h.sessions[token]; ss != nil {
		delete(ss.streams, st)
		if len(ss.streams) == 0 {
			delete(h.sessions, token)
		}
	}
	h.releaseLocked(st.user, st.place)
	h.mu.Unlock()
	st.end()
}

// run ticks until draining is closed, then says "bye" to every page (the
// browser reconnects to another replica) and closes it.
func (h *hub) run(draining <-chan struct{}, release func()) {
	defer release()
	poll, beat := time.NewTicker(h.poll), time.NewTicker(h.heartbeat)
	defer poll.Stop()
	defer beat.Stop()
	for {
		select {
		case <-draining:
			h.shut()
			return
		case <-beat.C:
			// A comment: a closed tab fails this write (or the next) and
			// frees its connection.
			h.each(func(token string, st *stream) {
				if st.write([]byte(": ping\n\n")) != nil {
					h.drop(token, st)
				}
			})
		case <-poll.C:
			h.startPolls()
		}
	}
}

type tokenStream struct {
	token string
	st    *stream
}

// each calls f for every stream, outside the lock (f may write for
// seconds).
func (h *hub) each(f func(token string, st *stream)) {
	h.mu.Lock()
	all := make([]tokenStream, 0, 64)
	for token, ss := range h.sessions {
		for st := range ss.streams {
			all = append(all, tokenStream{token, st})
		}
	}
	h.mu.Unlock()
	for _, ts := range all {
		f(ts.token, ts.st)
	}
}

func (h *hub) shut() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	bye := event("bye", struct{}{})
	h.each(func(token string, st *stream) {
		_ = st.write(bye)
		h.drop(token, st)
	})
}

// startPolls asks the backend for each session that is not still
// waiting on its last answer.
func (h *hub) startPolls() {
	h.mu.Lock()
	var due []string
	for token, ss := range h.sessions {
		if !ss.polling {
			ss.polling = true
			due = append(due, token)
		}
	}
	h.mu.Unlock()
	for _, token := range due {
		go func() {
			h.polls <- struct{}{}
			defer func() { <-h.polls }()
			h.pollSession(token)
		}()
	}
}

// pollSession asks what fired after the oldest page's newest, and gives
// each page what it does not have.
func (h *hub) pollSession(token string) {
	h.mu.Lock()
	ss := h.sessions[token]
	if ss == nil {
		h.mu.Unlock()
		return
	}
	streams := make([]*stream, 0, len(ss.streams))
	var from int64
	for st := range ss.streams {
		if len(streams) == 0 || st.last < from {
			from = st.last // unknown (-1) asks for what is not seen
		}
		streams = append(streams, st)
	}
	be := ss.be
	h.mu.Unlock()
	defer func() {
		h.mu.Lock()
		ss.polling = false
		h.mu.Unlock()
	}()

	ctx, cancel := context.WithTimeout(context.Background(), h.poll+10*time.Second)
	defer cancel()
	list, err := be.Notifications(ctx, from)
	var e *apierror.Error
	switch {
	case errors.As(err, &e) && e.Status == http.StatusUnauthorized:
		bye := event("signedout", struct{}{})
		for _, st := range streams {
			_ = st.write(bye)
			h.drop(token, st)
		}
		return
	case err != nil:
		// The backend is away for a moment: ask again next time.
		h.log.Debug("reminder stream could not ask the backend", slog.String("error", err.Error()))
		return
	}
	for _, st := range streams {
		if h.deliver(st, list) != nil {
			h.drop(token, st)
		}
	}
}

// deliver writes what st has not had yet.
func (h *hub) deliver(st *stream, list api.NotificationList) error {
	sent := false
	for _, n := range list.Notifications {
		if n.ID <= st.last {
			continue
		}
		if err := st.write(event("reminder", n)); err != nil {
			return err
		}
		st.last, sent = n.ID, true
	}
	if !sent && len(list.Notifications) == 0 {
		// Nothing to show after last (what there is belongs to deleted
		// tasks): start after the newest. With some shown, the rest of
		// a long burst comes next time.
		st.last = max(st.last, list.LastID)
	}
	return nil
}
