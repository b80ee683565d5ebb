// Package minikube holds what `make up` decides about a minikube cluster:
// it reads the JSON that minikube, kubectl and docker print about the
// cluster and the host (Facts), and turns it into a Plan — how big a
// cluster to start, how the images reach the nodes, which address the
// browser can open, and what must stop the run before `pulumi up`.
//
// Everything here is pure: the command in infra/cmd/up runs the programs
// and feeds their output in, and the tests feed recorded real outputs.
package minikube

import (
	"encoding/json"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// Profile is the part of one `minikube profile list -o json` entry we read
// (minikube's config.Profile and config.ClusterConfig).
type Profile struct {
	Name   string `json:"Name"`
	Status string `json:"Status"` // Running, Stopped, Paused, Degraded, Unknown, Starting
	Config struct {
		Memory           int      `json:"Memory"` // MB
		CPUs             int      `json:"CPUs"`
		Driver           string   `json:"Driver"`
		ExposedPorts     []string `json:"ExposedPorts"`
		KubernetesConfig struct {
			KubernetesVersion string `json:"KubernetesVersion"`
			ContainerRuntime  string `json:"ContainerRuntime"`
		} `json:"KubernetesConfig"`
		Nodes []struct {
			Name         string `json:"Name"`
			IP           string `json:"IP"`
			ControlPlane bool   `json:"ControlPlane"`
			Worker       bool   `json:"Worker"`
		} `json:"Nodes"`
		Addons map[string]bool `json:"Addons"`
	} `json:"Config"`
}

// ParseProfiles reads `minikube profile list -o json` and returns the
// named profile, or nil when it does not exist (never started, or deleted).
// minikube prints nothing at all, or an error object, when there are no
// profiles; both mean "none".
func ParseProfiles(out []byte, name string) (*Profile, error) {
	s := strings.TrimSpace(string(out))
	if s == "" {
		return nil, nil
	}
	var list struct {
		Valid   []Profile       `json:"valid"`
		Invalid []Profile       `json:"invalid"`
		Error   json.RawMessage `json:"error"`
	}
	if err := json.Unmarshal([]byte(s), &list); err != nil {
		return nil, fmt.Errorf("reading `minikube profile list -o json`: %w", err)
	}
	if list.Error != nil {
		return nil, fmt.Errorf("minikube cannot list its profiles (%s): check that ~/.minikube is readable, or run `minikube delete --all` to start afresh", s)
	}
	for i := range list.Valid {
		if list.Valid[i].Name == name {
			return &list.Valid[i], nil
		}
	}
	for _, p := range list.Invalid {
		if p.Name == name {
			return nil, fmt.Errorf("minikube profile %q is invalid (a half-created or damaged cluster): run `minikube delete -p %s`, then make up again", name, name)
		}
	}
	return nil, nil
}

// Node is the part of a `kubectl get nodes -o json` item we read.
type Node struct {
	Name        string
	Ready       bool
	Runtime     string // docker, containerd, cri-o
	CPUMilli    int64  // allocatable
	MemoryBytes int64  // allocatable
	InternalIP  string
}

// ParseNodes reads `kubectl get nodes -o json`.
func ParseNodes(out []byte) ([]Node, error) {
	var list struct {
		Items []struct {
			Metadata struct {
				Name string `json:"name"`
			} `json:"metadata"`
			Status struct {
				Allocatable map[string]string `json:"allocatable"`
				Conditions  []struct {
					Type   string `json:"type"`
					Status string `json:"status"`
				} `json:"conditions"`
				Addresses []struct {
					Type    string `json:"type"`
					Address string `json:"address"`
				} `json:"addresses"`
				NodeInfo struct {
					ContainerRuntimeVersion string `json:"containerRuntimeVersion"`
				} `json:"nodeInfo"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("reading `kubectl get nodes -o json`: %w", err)
	}
	nodes := make([]Node, 0, len(list.Items))
	for _, it := range list.Items {
		n := Node{Name: it.Metadata.Name}
		for _, c := range it.Status.Conditions {
			if c.Type == "Ready" {
				n.Ready = c.Status == "True"
			}
		}
		for _, a := range it.Status.Addresses {
			if a.Type == "InternalIP" {
				n.InternalIP = a.Address
			}
		}
		// "containerd://2.1.4", "docker://28.4.0", "cri-o://1.34.1"
		n.Runtime, _, _ = strings.Cut(it.Status.NodeInfo.ContainerRuntimeVersion, "://")
		if q, err := resource.ParseQuantity(it.Status.Allocatable["cpu"]); err == nil {
			n.CPUMilli = q.MilliValue()
		}
		if q, err := resource.ParseQuantity(it.Status.Allocatable["memory"]); err == nil {
			n.MemoryBytes = q.Value()
		}
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// NodePortUser is a Service that holds a node port.
type NodePortUser struct {
	Namespace, Name string
	Port            int
}

// ParseNodePorts reads `kubectl get services -A -o json` and returns every
// node port in use with the Service that holds it.
func ParseNodePorts(out []byte) ([]NodePortUser, error) {
	var list struct {
		Items []struct {
			Metadata struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"metadata"`
			Spec struct {
				Ports []struct {
					NodePort int `json:"nodePort"`
				} `json:"ports"`
			} `json:"spec"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return nil, fmt.Errorf("reading `kubectl get services -A -o json`: %w", err)
	}
	var users []NodePortUser
	for _, it := range list.Items {
		for _, p := range it.Spec.Ports {
			if p.NodePort != 0 {
				users = append(users, NodePortUser{Namespace: it.Metadata.Namespace, Name: it.Metadata.Name, Port: p.NodePort})
			}
		}
	}
	return users, nil
}

// ParseDockerInfo reads `docker info --format '{{json .}}'` and returns
// the memory the Docker engine can give containers (Docker Desktop's VM
// size on macOS and Windows, the host's memory on Linux) and its CPUs.
func ParseDockerInfo(out []byte) (memBytes int64, cpus int, err error) {
	var info struct {
		MemTotal int64 `json:"MemTotal"`
		NCPU     int   `json:"NCPU"`
	}
	if err := json.Unmarshal(out, &info); err != nil {
		return 0, 0, fmt.Errorf("reading `docker info`: %w", err)
	}
	return info.MemTotal, info.NCPU, nil
}

// ParsePodRequests reads `kubectl get pods -A -o json` and sums the CPU and
// memory that running or pending pods request, leaving out the pods for
// which skip is true (the stack's own, which `pulumi up` replaces).
func ParsePodRequests(out []byte, skip func(namespace string, labels map[string]string) bool) (cpuMilli, memBytes int64, err error) {
	var list struct {
		Items []struct {
			Metadata struct {
				Namespace string            `json:"namespace"`
				Labels    map[string]string `json:"labels"`
			} `json:"metadata"`
			Spec struct {
				Containers []struct {
					Resources struct {
						Requests map[string]string `json:"requests"`
					} `json:"resources"`
				} `json:"containers"`
			} `json:"spec"`
			Status struct {
				Phase string `json:"phase"`
			} `json:"status"`
		} `json:"items"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return 0, 0, fmt.Errorf("reading `kubectl get pods -A -o json`: %w", err)
	}
	for _, p := range list.Items {
		if p.Status.Phase == "Succeeded" || p.Status.Phase == "Failed" {
			continue
		}
		if skip != nil && skip(p.Metadata.Namespace, p.Metadata.Labels) {
			continue
		}
		for _, c := range p.Spec.Containers {
			if q, err := resource.ParseQuantity(c.Resources.Requests["cpu"]); err == nil {
				cpuMilli += q.MilliValue()
			}
			if q, err := resource.ParseQuantity(c.Resources.Requests["memory"]); err == nil {
				memBytes += q.Value()
			}
		}
	}
	return cpuMilli, memBytes, nil
}
