package config

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/todo-app/todo-app/pkg/config"
)

const secret = "0123456789abcdef0123456789abcdef"

func TestMinimalConfigGetsDefaults(t *testing.T) {
	c, err := Load(config.FromMap(map[string]string{
		"DATABASE_URL":       "postgres://u@db:5432/todo",
		"BETTER_AUTH_SECRET": secret,
	}))
	require.NoError(t, err)
	assert.Equal(t, 8000, c.Port)
	assert.Equal(t, []string{"http://localhost:3000", "http://localhost:3001"}, c.FrontendURLs)
	assert.Equal(t, 7*24*time.Hour, c.TokenTTL)
	assert.True(t, c.MigrateOnStart)
	assert.Equal(t, 10, c.BcryptCost)
	assert.Equal(t, 8, c.UserInFlight)
	assert.Equal(t, 2*time.Second, c.MaxWait)
	assert.Empty(t, c.MCPAllowedOrigins)
}

func TestMCPAllowedOrigins(t *testing.T) {
	base := map[string]string{"DATABASE_URL": "postgres://u@db/todo", "BETTER_AUTH_SECRET": secret}
	with := func(v string) map[string]string {
		m := map[string]string{"MCP_ALLOWED_ORIGINS": v}
		for k, x := range base {
			m[k] = x
		}
		return m
	}
	c, err := Load(config.FromMap(with("https://App.example, vscode-webview://abc/")))
	require.NoError(t, err)
	assert.Equal(t, []string{"https://app.example", "vscode-webview://abc"}, c.MCPAllowedOrigins)
	_, err = Load(config.FromMap(with("https://app.example/path")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "MCP_ALLOWED_ORIGINS must be comma-separated origins")
}

func TestEmptyEnvironmentNamesBothRequiredVariables(t *testing.T) {
	_, err := Load(config.FromMap(nil))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "DATABASE_URL is required")
	assert.Contains(t, err.Error(), "BETTER_AUTH_SECRET is required")
	assert.False(t, strings.Contains(err.Error(), "\n"))
}

func TestBadValues(t *testing.T) {
	_, err := Load(config.FromMap(map[string]string{
		"DATABASE_URL":       "mysql://db",
		"BETTER_AUTH_SECRET": "short",
		"PORT":               "eighty",
		"FRONTEND_URL":       "not a url",
	}))
	require.Error(t, err)
	for _, want := range []string{"DATABASE_URL must be a postgres or postgresql URL", "BETTER_AUTH_SECRET must be at least 32 bytes", "PORT must be", "FRONTEND_URL must be"} {
		assert.Contains(t, err.Error(), want)
	}
}
