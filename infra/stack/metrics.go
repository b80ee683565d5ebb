package stack

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// PodMonitorName is the Prometheus Operator PodMonitor of the three apps.
const PodMonitorName = "todo-app"

// podMonitor asks a Prometheus Operator to scrape the apps' metrics port.
// A PodMonitor, not a ServiceMonitor: a ServiceMonitor needs the port on
// a Service, and the web and chatbot Services are NodePorts, which would
// publish the metrics on the node.
func podMonitor(ctx *pulumi.Context, cfg *Config, meta func(string) *metav1.ObjectMetaArgs, opts []pulumi.ResourceOption) error {
	_, err := apiextensions.NewCustomResource(ctx, PodMonitorName, &apiextensions.CustomResourceArgs{
		ApiVersion: pulumi.String("monitoring.coreos.com/v1"),
		Kind:       pulumi.String("PodMonitor"),
		Metadata:   meta(PodMonitorName),
		OtherFields: kubernetes.UntypedArgs{
			"spec": map[string]any{
				"selector": map[string]any{"matchExpressions": []map[string]any{{
					"key": "app", "operator": "In", "values": serviceLabels(),
				}}},
				"podMetricsEndpoints": []map[string]any{{"port": "metrics", "path": "/metrics", "interval": "30s"}},
			},
		},
	}, opts...)
	return err
}
