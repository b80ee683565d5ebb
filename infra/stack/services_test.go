package stack_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/todo-app/todo-app/infra/stack"
)

// Every port, name and label the program writes comes from the services
// table: whatever a row says, the objects, the settings the apps read, the
// policies and the configuration checks follow. (TestSeedNamesAndNumbers
// holds the table itself to the seed architecture's numbers.)
func TestEverythingFollowsTheServicesTable(t *testing.T) {
	t.Parallel()
	cfg := defaults()
	cfg["metrics"] = `{"podMonitor": true}`
	r, err := run(t, cfg, "authSecret")
	require.NoError(t, err)

	services := stack.Services()
	byLabel := map[string]stack.Service{}
	var apps, labels []string
	var portNums []int
	var public []stack.Service
	for _, s := range services {
		byLabel[s.Label] = s
		apps = append(apps, s.App)
		labels = append(labels, s.Label)
		portNums = append(portNums, s.Port)
		if s.Public {
			public = append(public, s)
		}
	}

	policies := map[string]*networkingv1.NetworkPolicy{}
	for _, x := range r.find("kubernetes:networking.k8s.io/v1:NetworkPolicy") {
		np := decode[networkingv1.NetworkPolicy](t, x)
		policies[np.Spec.PodSelector.MatchLabels["app"]] = np
	}
	// egress is a policy's (label or "*", port) pairs, DNS aside.
	egress := func(label string) []string {
		var out []string
		for _, rule := range policies[label].Spec.Egress {
			for _, p := range rule.Ports {
				if p.Port.IntValue() == 53 {
					continue
				}
				peer := "*"
				if len(rule.To) > 0 {
					peer = rule.To[0].PodSelector.MatchLabels["app"]
				}
				out = append(out, fmt.Sprintf("%s:%d", peer, p.Port.IntValue()))
			}
		}
		return out
	}
	from := func(rule networkingv1.NetworkPolicyIngressRule) []string {
		var out []string
		for _, p := range rule.From {
			out = append(out, p.PodSelector.MatchLabels["app"])
		}
		return out
	}

	cm := decode[corev1.ConfigMap](t, r.one(t, "kubernetes:core/v1:ConfigMap", stack.ConfigMapName))
	for _, s := range services {
		d := decode[appsv1.Deployment](t, r.one(t, "kubernetes:apps/v1:Deployment", s.Name))
		c := d.Spec.Template.Spec.Containers[0]
		assert.Equal(t, s.Label, d.Spec.Template.Labels["app"], s.App)
		assert.EqualValues(t, s.Port, c.Ports[0].ContainerPort, s.App)
		assert.Contains(t, c.Env, corev1.EnvVar{Name: "PORT", Value: strconv.Itoa(s.Port)}, s.App)
		svc := decode[corev1.Service](t, r.one(t, "kubernetes:core/v1:Service", s.Name))
		if s.Public {
			assert.EqualValues(t, s.NodePort, svc.Spec.Ports[0].NodePort, s.App)
		} else {
			assert.EqualValues(t, s.Port, svc.Spec.Ports[0].Port, s.App)
		}

		np := policies[s.Label]
		require.NotNil(t, np, s.Label)
		assert.Equal(t, s.Port, np.Spec.Ingress[0].Ports[0].Port.IntValue(), "%s takes traffic on its port", s.App)
		var want []string
		for _, callee := range s.Calls {
			want = append(want, fmt.Sprintf("%s:%d", callee, byLabel[callee].Port))
		}
		if s.CallsDatabase {
			want = append(want, "postgres:5432")
			assert.Contains(t, from(policies["postgres"].Spec.Ingress[0]), s.Label, "the database takes %s", s.App)
		}
		if s.CallsModel {
			want = append(want, "*:443")
		}
		assert.Equal(t, want, egress(s.Label), s.App)
		var callers []string
		for _, other := range services {
			for _, callee := range other.Calls {
				if callee == s.Label {
					callers = append(callers, other.Label)
				}
			}
		}
		if !s.Public {
			assert.ElementsMatch(t, callers, from(np.Spec.Ingress[0]), "only its callers reach %s", s.App)
		}
		for _, callee := range s.Calls {
			if callee == "backend" {
				assert.Equal(t, fmt.Sprintf("http://%s:%d", byLabel[callee].Name, byLabel[callee].Port), cm.Data["BACKEND_URL"])
			}
		}
	}
	for _, s := range public {
		out := map[string]string{"web": "webUrl", "chatbot": "chatbotUrl"}[s.App]
		require.NotEmpty(t, out, "an output for the public app %s", s.App)
		assert.Equal(t, fmt.Sprintf("http://192.168.49.2:%d", s.NodePort), r.outputs[out])
	}

	pm := r.one(t, "kubernetes:monitoring.coreos.com/v1:PodMonitor", stack.PodMonitorName)
	b, err := json.Marshal(pm.Inputs.Mappable())
	require.NoError(t, err)
	lb, _ := json.Marshal(labels)
	assert.Contains(t, string(b), `"values":`+string(lb), "the PodMonitor scrapes every app")

	// The configuration's checks name the table's apps and ports.
	slices.Sort(portNums)
	var ports []string
	for _, p := range portNums {
		ports = append(ports, strconv.Itoa(p))
	}
	for _, s := range services {
		_, err := loadConfig(t, map[string]string{"authSecret": authSecret, "metrics": fmt.Sprintf(`{"port": %d}`, s.Port)}, "authSecret")
		require.Error(t, err, "metrics on %s's port", s.App)
		assert.Contains(t, err.Error(), "not one of the apps' ports ("+strings.Join(ports, ", ")+")")
	}
	_, err = loadConfig(t, map[string]string{"authSecret": authSecret, "images": `{"build": false, "tag": "v1", "digests": {"nope": "sha256:` + strings.Repeat("a", 64) + `"}}`}, "authSecret")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the apps are "+strings.Join(apps[:len(apps)-1], ", ")+" and "+apps[len(apps)-1])
	digests := map[string]string{}
	for _, a := range apps {
		digests[a] = "sha256:" + strings.Repeat("b", 64)
	}
	db, _ := json.Marshal(map[string]any{"build": false, "digests": digests})
	_, err = loadConfig(t, map[string]string{"authSecret": authSecret, "images": string(db)}, "authSecret")
	assert.NoError(t, err, "a digest for each app is enough without a tag")
	delete(digests, apps[0])
	db, _ = json.Marshal(map[string]any{"build": false, "digests": digests})
	_, err = loadConfig(t, map[string]string{"authSecret": authSecret, "images": string(db)}, "authSecret")
	require.Error(t, err, "one app without a digest")
	assert.Contains(t, err.Error(), "(images.digests."+strings.Join(apps, ", .")+")")
	_, err = loadConfig(t, map[string]string{"authSecret": authSecret, "nodePorts": `{"web": "x"}`}, "authSecret")
	require.Error(t, err)
	var example []string
	for _, s := range public {
		example = append(example, fmt.Sprintf("%q: %d", s.App, s.NodePort))
	}
	assert.Contains(t, err.Error(), "todo-app:nodePorts must be an object like {"+strings.Join(example, ", ")+"}")
}
