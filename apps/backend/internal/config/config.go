// Package config is the backend's settings, read from the environment and
// validated in one place at start-up.
package config

import (
	"time"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/config"
	"github.com/todo-app/todo-app/pkg/httpserver"
)

// Config is everything the backend needs to run.
type Config struct {
	Port int
	// MetricsPort serves Prometheus metrics apart from the app (0: off).
	MetricsPort   int
	DatabaseURL   string
	AuthSecret    string
	FrontendURLs  []string
	TokenTTL      time.Duration
	AuthRateLimit int // sign-in/up attempts per client address per minute
	BcryptCost    int
	DBMaxConns    int
	DBWait        time.Duration // how long start-up waits for the database
	// DBStatementTimeout bounds every statement of a request (PostgreSQL's
	// statement_timeout on the app's connections): one person's heavy
	// search cannot hold the database from everyone else. Migrations run
	// without it.
	DBStatementTimeout time.Duration
	// MaxTasks, MaxTags, MaxConversations and MaxMessages are the quotas:
	// how many tasks (not deleted), tags and conversations one person
	// keeps, and messages one conversation holds. The database enforces
	// them (migration 20261207220001).
	MaxTasks, MaxTags, MaxConversations, MaxMessages int
	ShutdownGrace                                    time.Duration
	LogLevel                                         string
	MigrateOnStart                                   bool
	// APIMaxInFlight and MCPMaxInFlight bound concurrent per-user REST and
	// MCP requests per process (the rest wait their turn).
	APIMaxInFlight int
	MCPMaxInFlight int
	// UserInFlight bounds one user's concurrent REST requests (their share
	// of APIMaxInFlight; MCP gets half of MCPMaxInFlight); MaxWait is how
	// long a request may wait for a slot before a 503 with Retry-After.
	UserInFlight int
	MaxWait      time.Duration
	// UserRate and UserBurst are each user's request budget per second.
	UserRate  float64
	UserBurst int
	// ImportMaxMB bounds an import file (POST /api/{user}/import), which
	// is streamed; every other request body stays within 1 MiB.
	ImportMaxMB int
	// UploadIdle is the longest an import file may go without a byte
	// arriving, UploadTime the longest it may take in all; past either
	// the import is refused (408) and its connection closed.
	UploadIdle time.Duration
	UploadTime time.Duration
	// ReminderPoll is how often each replica looks for due reminders;
	// ReminderBatch how many one claim takes at most.
	ReminderPoll  time.Duration
	ReminderBatch int
	// MCPAllowedOrigins are browser origins, besides FrontendURLs, that
	// may call /mcp (desktop clients that send an Origin); requests with
	// any other Origin are refused (DNS rebinding protection).
	MCPAllowedOrigins []string
	// PprofAddr, when set (e.g. 127.0.0.1:6060), serves Go's profiler there.
	PprofAddr string
}

// Load reads the configuration; the error names every bad variable.
func Load(env *config.Env) (Config, error) {
	c := Config{
		Port:               env.Port("PORT", 8000),
		MetricsPort:        env.Int("METRICS_PORT", 0, 0, 65535),
		DatabaseURL:        env.RequiredURL("DATABASE_URL", "postgres", "postgresql"),
		AuthSecret:         env.Secret("BETTER_AUTH_SECRET", auth.MinSecretBytes),
		FrontendURLs:       env.URLList("FRONTEND_URL", "http://localhost:3000,http://localhost:3001"),
		TokenTTL:           env.Duration("TOKEN_TTL", 7*24*time.Hour),
		AuthRateLimit:      env.Int("AUTH_RATE_LIMIT", 20, 1, 1_000_000),
		BcryptCost:         env.Int("BCRYPT_COST", 10, 4, 16),
		DBMaxConns:         env.Int("DB_MAX_CONNS", 20, 1, 1000),
		DBWait:             env.Duration("DB_WAIT", 60*time.Second),
		DBStatementTimeout: env.DurationBetween("DB_STATEMENT_TIMEOUT", 10*time.Second, 100*time.Millisecond, 10*time.Minute),
		MaxTasks:           env.Int("MAX_TASKS", 100_000, 1, 10_000_000),
		MaxTags:            env.Int("MAX_TAGS", 1000, 1, 1_000_000),
		MaxConversations:   env.Int("MAX_CONVERSATIONS", 1000, 1, 1_000_000),
		MaxMessages:        env.Int("MAX_MESSAGES", 5000, 1, 1_000_000),
		ShutdownGrace:      env.Duration("SHUTDOWN_GRACE", 20*time.Second),
		LogLevel:           env.LogLevel("LOG_LEVEL", "info"),
		MigrateOnStart:     env.Bool("MIGRATE_ON_START", true),
		PprofAddr:          env.String("PPROF_ADDR", ""),
		APIMaxInFlight:     env.Int("API_MAX_IN_FLIGHT", 32, 1, 10000),
		MCPMaxInFlight:     env.Int("MCP_MAX_IN_FLIGHT", 4, 1, 10000),
		UserInFlight:       env.Int("USER_MAX_IN_FLIGHT", 8, 1, 10000),
		MaxWait:            env.Duration("MAX_WAIT", 2*time.Second),
		UserRate:           float64(env.Int("USER_RATE", 50, 1, 1_000_000)),
		UserBurst:          env.Int("USER_BURST", 100, 1, 1_000_000),
		MCPAllowedOrigins:  env.OriginList("MCP_ALLOWED_ORIGINS"),
		ImportMaxMB:        env.Int("IMPORT_MAX_MB", 256, 1, 4096),
		UploadIdle:         env.DurationBetween("UPLOAD_IDLE_TIMEOUT", httpserver.DefaultUploadIdle, time.Second, 10*time.Minute),
		UploadTime:         env.DurationBetween("UPLOAD_TIMEOUT", httpserver.DefaultUploadTime, time.Minute, 24*time.Hour),
		ReminderPoll:       env.DurationBetween("REMINDER_POLL", 5*time.Second, 100*time.Millisecond, time.Minute),
		ReminderBatch:      env.Int("REMINDER_BATCH", 1000, 1, 100000),
	}

	return c, env.Err()
}
