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
	config.Frontend
	WebURL        string // public URL of the web app, for links on cards
	OpenAIKey     string // empty: the built-in assistant
	OpenAIBaseURL string
	OpenAIModel   string
	ModelTimeout  time.Duration
}

// Load reads the configuration; the error names every bad variable.
func Load(env *config.Env) (Config, error) {
	c := Config{
		Frontend:      env.Frontend(3001, auth.MinSecretBytes),
		WebURL:        env.URL("WEB_URL", "http://localhost:3000"),
		OpenAIKey:     env.String("OPENAI_API_KEY", ""),
		OpenAIBaseURL: env.URL("OPENAI_BASE_URL", ""),
		OpenAIModel:   env.String("OPENAI_MODEL", "gpt-4o-mini"),
		ModelTimeout:  env.Duration("OPENAI_TIMEOUT", 30*time.Second),
	}
	return c, env.Err()
}
