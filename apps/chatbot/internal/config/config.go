// Package config is the chatbot's settings, read from the environment and
// validated in one place at start-up.
package config

import (
	"time"

	"github.com/todo-app/todo-app/pkg/auth"
	"github.com/todo-app/todo-app/pkg/config"
)

// Config is everything the chatbot needs.
type Config struct {
	Port int
	// MetricsPort serves Prometheus metrics apart from the app (0: off).
	MetricsPort   int
	BackendURL    string
	AuthSecret    string
	WebURL        string // public URL of the web app, for links on cards
	OpenAIKey     string // empty: the built-in assistant
	OpenAIBaseURL string
	OpenAIModel   string
	ModelTimeout  time.Duration
	ShutdownGrace time.Duration
	LogLevel      string
	// TrustedProxies are the reverse proxies (an ingress terminating TLS)
	// whose X-Forwarded-For and X-Forwarded-Proto are believed: the
	// browser's address for sign-in limits, HTTPS for Secure cookies and
	// HSTS. Empty (the default, "none"): believe no one.
	TrustedProxies []string
}

// Load reads the configuration; the error names every bad variable.
func Load(env *config.Env) (Config, error) {
	c := Config{
		Port:           env.Port("PORT", 3001),
		MetricsPort:    env.Int("METRICS_PORT", 0, 0, 65535),
		BackendURL:     env.URL("BACKEND_URL", "http://localhost:8000"),
		AuthSecret:     env.Secret("BETTER_AUTH_SECRET", auth.MinSecretBytes),
		WebURL:         env.URL("WEB_URL", "http://localhost:3000"),
		OpenAIKey:      env.String("OPENAI_API_KEY", ""),
		OpenAIBaseURL:  env.URL("OPENAI_BASE_URL", ""),
		OpenAIModel:    env.String("OPENAI_MODEL", "gpt-4o-mini"),
		ModelTimeout:   env.Duration("OPENAI_TIMEOUT", 30*time.Second),
		ShutdownGrace:  env.Duration("SHUTDOWN_GRACE", 20*time.Second),
		LogLevel:       env.LogLevel("LOG_LEVEL", "info"),
		TrustedProxies: env.CIDRList("TRUSTED_PROXIES", "none"),
	}
	return c, env.Err()
}
