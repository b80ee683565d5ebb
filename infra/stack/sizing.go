package stack

import (
	"encoding/json"
	"fmt"

	"k8s.io/apimachinery/pkg/api/resource"
)

// The in-cluster database's container resources.
const (
	dbCPURequest    = "100m"
	dbMemoryRequest = "128Mi"
	dbCPULimit      = "1"
	dbMemoryLimit   = "512Mi"
)

// Sizing is the part of the configuration that decides how much the pods
// request: the program and `make up` (which sizes the cluster from it)
// read it with the same function.
type Sizing struct {
	Backend, Web, Chatbot AppSettings
	HPA                   HPASettings
}

// readSizing reads backend, web, chatbot and hpa through get (the config
// value of a key, "" when unset), reporting each problem through bad.
//
// The autoscaler owns the backend's replica count, so backend.replicas is
// its minimum: set alone it moves hpa.min; set beside a different hpa.min
// the two disagree and the configuration is refused.
func readSizing(get func(key string) string, bad func(key, format string, args ...any)) Sizing {
	s := Sizing{
		Backend: defaultBackend(),
		Web:     defaultFrontend("32Mi", "128Mi"),
		Chatbot: defaultFrontend("64Mi", "128Mi"),
		HPA:     HPASettings{Min: 2, Max: 5, CPUPercent: 70, MemoryPercent: 80},
	}
	readApp := func(key string, into *AppSettings) bool {
		raw := get(key)
		if raw != "" {
			if err := json.Unmarshal([]byte(raw), into); err != nil {
				bad(key, "must be an object like {\"replicas\": 2, \"resources\": {\"requests\": {\"cpu\": \"250m\", \"memory\": \"256Mi\"}, ...}}: %v", err)
			}
		}
		if into.Replicas < 1 || into.Replicas > 50 {
			bad(key, "replicas must be between 1 and 50, got %d", into.Replicas)
		}
		for what, q := range map[string]Quantities{"requests": into.Resources.Requests, "limits": into.Resources.Limits} {
			if !reCPU.MatchString(q.CPU) {
				bad(key, "resources.%s.cpu must look like 250m or 1, got %q", what, q.CPU)
			}
			if !reMemory.MatchString(q.Memory) {
				bad(key, "resources.%s.memory must look like 256Mi, got %q", what, q.Memory)
			}
		}
		return hasKey(raw, "replicas")
	}
	backendReplicas := readApp("backend", &s.Backend)
	readApp("web", &s.Web)
	readApp("chatbot", &s.Chatbot)
	raw := get("hpa")
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &s.HPA); err != nil {
			bad("hpa", "must be an object like {\"min\": 2, \"max\": 5, \"cpuPercent\": 70, \"memoryPercent\": 80}: %v", err)
		}
	}
	if backendReplicas {
		if hasKey(raw, "min") && s.HPA.Min != s.Backend.Replicas {
			bad("backend", "replicas (%d) and hpa.min (%d) disagree: the autoscaler owns the backend's count, so remove backend.replicas (`pulumi config rm --path backend.replicas`) or make them equal",
				s.Backend.Replicas, s.HPA.Min)
		}
		s.HPA.Min = s.Backend.Replicas
	}
	s.Backend.Replicas = s.HPA.Min
	if s.HPA.Min < 1 || s.HPA.Max < s.HPA.Min {
		bad("hpa", "needs 1 <= min <= max, got min %d max %d", s.HPA.Min, s.HPA.Max)
	}
	return s
}

// SizingFromConfig reads the sizing from plain config values (keys without
// the "todo-app:" prefix, as `pulumi config --json` lists them).
func SizingFromConfig(values map[string]string) (Sizing, error) {
	var errs []string
	s := readSizing(func(k string) string { return values[k] }, func(key, format string, args ...any) {
		errs = append(errs, fmt.Sprintf("todo-app:%s %s", key, fmt.Sprintf(format, args...)))
	})
	if len(errs) > 0 {
		return s, fmt.Errorf("invalid stack configuration: %v", errs)
	}
	return s, nil
}

// Requests sums what the pods request: at the minimum (every Deployment at
// its replica count or the autoscaler's minimum, and the database), and at
// the maximum (the autoscaler's maximum, plus one surge pod per Deployment
// during a rolling update). externalDB leaves the database out.
func (s Sizing) Requests(externalDB bool) (minCPUMilli, minMemBytes, maxCPUMilli, maxMemBytes int64) {
	add := func(q Quantities, n int) (int64, int64) {
		cpu := resource.MustParse(q.CPU)
		mem := resource.MustParse(q.Memory)
		return cpu.MilliValue() * int64(n), mem.Value() * int64(n)
	}
	for _, app := range []struct {
		q        Quantities
		min, max int
	}{
		{s.Backend.Resources.Requests, s.HPA.Min, s.HPA.Max + 1},
		{s.Web.Resources.Requests, s.Web.Replicas, s.Web.Replicas + 1},
		{s.Chatbot.Resources.Requests, s.Chatbot.Replicas, s.Chatbot.Replicas + 1},
	} {
		c, m := add(app.q, app.min)
		minCPUMilli, minMemBytes = minCPUMilli+c, minMemBytes+m
		c, m = add(app.q, app.max)
		maxCPUMilli, maxMemBytes = maxCPUMilli+c, maxMemBytes+m
	}
	if !externalDB {
		c, m := add(Quantities{CPU: dbCPURequest, Memory: dbMemoryRequest}, 1)
		minCPUMilli, minMemBytes, maxCPUMilli, maxMemBytes = minCPUMilli+c, minMemBytes+m, maxCPUMilli+c, maxMemBytes+m
	}
	return
}

// hasKey says whether a JSON object has a top-level key.
func hasKey(raw, key string) bool {
	var m map[string]json.RawMessage
	if raw == "" || json.Unmarshal([]byte(raw), &m) != nil {
		return false
	}
	_, ok := m[key]
	return ok
}
