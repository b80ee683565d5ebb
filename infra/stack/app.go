package stack

import (
	"fmt"
	"strconv"

	appsv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apps/v1"
	autoscalingv2 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/autoscaling/v2"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	metav1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/meta/v1"
	policyv1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/policy/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// AppArgs describe one of the three services.
type AppArgs struct {
	Namespace      string
	Name           string // e.g. todo-app-backend: Deployment and Service
	Label          string // the pods' app label, e.g. backend
	Image          pulumi.StringInput
	Port           int
	Env            corev1.EnvVarArray
	Settings       AppSettings
	ServiceAccount pulumi.StringInput
	// NodePort exposes the app on the node (service port 80); 0 keeps it ClusterIP on Port.
	NodePort int
	// MetricsPort is where the app serves Prometheus metrics: a container
	// port named "metrics" that no Service exposes, announced by the
	// usual prometheus.io pod annotations.
	MetricsPort int
	// HPA, when set, scales the Deployment (which then leaves replicas to it).
	HPA *HPASettings
	// ConfigChecksum is a hash of every ConfigMap and Secret value the app
	// reads; it goes on the pod template so that changing one rolls the
	// app (Kubernetes does not restart pods when a referenced object
	// changes).
	ConfigChecksum pulumi.StringInput
	// InitArgs, when set, run the app's image with these arguments as an
	// init container before it starts (the backend's `migrate`): a long
	// step there is not killed by the liveness probe, and a failed one
	// stops the rollout with the old pods still serving.
	InitArgs []string
	// Placement spreads the pods of a production stack (nil: one node).
	Placement *Placement
}

// Placement is how pods are spread over a real cluster's nodes and zones.
type Placement struct {
	// TolerationSeconds bounds how long pods stay on a node that is not
	// ready or unreachable (Kubernetes' default: 300 s).
	TolerationSeconds int
	// PriorityClassName, when set, is the pods' priority class.
	PriorityClassName string
}

// ConfigChecksumAnnotation holds AppArgs.ConfigChecksum on pod templates.
const ConfigChecksumAnnotation = "todo-app.dev/config-checksum"

// App is a Deployment and its Service, plus an optional autoscaler and a
// disruption budget: one instance per service.
type App struct {
	pulumi.ResourceState

	Deployment *appsv1.Deployment
	Service    *corev1.Service
	HPA        *autoscalingv2.HorizontalPodAutoscaler
	PDB        *policyv1.PodDisruptionBudget

	ServiceName pulumi.StringOutput `pulumi:"serviceName"`
	Image       pulumi.StringOutput `pulumi:"image"`
}

func templateAnnotations(args *AppArgs) pulumi.StringMapInput {
	m := pulumi.StringMap{}
	if args.ConfigChecksum != nil {
		m[ConfigChecksumAnnotation] = args.ConfigChecksum
	}
	if args.MetricsPort != 0 {
		m["prometheus.io/scrape"] = pulumi.String("true")
		m["prometheus.io/port"] = pulumi.String(strconv.Itoa(args.MetricsPort))
		m["prometheus.io/path"] = pulumi.String("/metrics")
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// containerPorts are the app's port and, when set, its metrics port.
func containerPorts(args *AppArgs) corev1.ContainerPortArray {
	ports := corev1.ContainerPortArray{&corev1.ContainerPortArgs{Name: pulumi.String("http"), ContainerPort: pulumi.Int(args.Port)}}
	if args.MetricsPort != 0 {
		ports = append(ports, &corev1.ContainerPortArgs{Name: pulumi.String("metrics"), ContainerPort: pulumi.Int(args.MetricsPort)})
	}
	return ports
}

func containerEnv(args *AppArgs) corev1.EnvVarArray {
	return append(corev1.EnvVarArray{&corev1.EnvVarArgs{Name: pulumi.String("GOMEMLIMIT"),
		Value: pulumi.String(goMemLimit(args.Settings.Resources.Limits.Memory))}}, args.Env...)
}

// containerResources: ephemeral storage is the container's logs (the
// kubelet keeps at most 5 × 10 MiB) and the /tmp emptyDir.
func containerResources(args *AppArgs) *corev1.ResourceRequirementsArgs {
	return &corev1.ResourceRequirementsArgs{
		Requests: pulumi.StringMap{"cpu": pulumi.String(args.Settings.Resources.Requests.CPU), "memory": pulumi.String(args.Settings.Resources.Requests.Memory),
			"ephemeral-storage": pulumi.String("64Mi")},
		Limits: pulumi.StringMap{"cpu": pulumi.String(args.Settings.Resources.Limits.CPU), "memory": pulumi.String(args.Settings.Resources.Limits.Memory),
			"ephemeral-storage": pulumi.String("256Mi")},
	}
}

func containerSecurity() *corev1.SecurityContextArgs {
	return &corev1.SecurityContextArgs{
		AllowPrivilegeEscalation: pulumi.Bool(false),
		ReadOnlyRootFilesystem:   pulumi.Bool(true),
		Privileged:               pulumi.Bool(false),
		Capabilities:             &corev1.CapabilitiesArgs{Drop: pulumi.StringArray{pulumi.String("ALL")}},
	}
}

// initContainers is the InitArgs step, with the app's image, environment,
// limits and restrictions.
func initContainers(args *AppArgs) corev1.ContainerArray {
	if len(args.InitArgs) == 0 {
		return nil
	}
	return corev1.ContainerArray{&corev1.ContainerArgs{
		Name:            pulumi.String(args.InitArgs[0]),
		Image:           args.Image,
		ImagePullPolicy: pulumi.String("IfNotPresent"),
		Args:            pulumi.ToStringArray(args.InitArgs),
		Env:             containerEnv(args),
		Resources:       containerResources(args),
		SecurityContext: containerSecurity(),
	}}
}

// NewApp declares the component and its children.
func NewApp(ctx *pulumi.Context, args *AppArgs, opts ...pulumi.ResourceOption) (*App, error) {
	a := &App{}
	if err := ctx.RegisterComponentResource("todo:index:App", args.Name, a, opts...); err != nil {
		return nil, err
	}
	parent := pulumi.Parent(a)
	labels := pulumi.StringMap{"app": pulumi.String(args.Label), "app.kubernetes.io/name": pulumi.String(args.Name),
		"app.kubernetes.io/part-of": pulumi.String("todo-app")}
	selector := pulumi.StringMap{"app": pulumi.String(args.Label)}
	meta := &metav1.ObjectMetaArgs{Name: pulumi.String(args.Name), Namespace: pulumi.String(args.Namespace), Labels: labels}

	probe := func(path string, initial, period, failures int) *corev1.ProbeArgs {
		return &corev1.ProbeArgs{
			HttpGet:             &corev1.HTTPGetActionArgs{Path: pulumi.String(path), Port: pulumi.String("http")},
			InitialDelaySeconds: pulumi.Int(initial), PeriodSeconds: pulumi.Int(period),
			TimeoutSeconds: pulumi.Int(2), FailureThreshold: pulumi.Int(failures),
		}
	}
	spec := &appsv1.DeploymentSpecArgs{
		Selector: &metav1.LabelSelectorArgs{MatchLabels: selector},
		Strategy: &appsv1.DeploymentStrategyArgs{
			Type: pulumi.String("RollingUpdate"),
			RollingUpdate: &appsv1.RollingUpdateDeploymentArgs{
				MaxUnavailable: pulumi.Int(0), MaxSurge: pulumi.Int(1),
			},
		},
		RevisionHistoryLimit: pulumi.Int(5),
		Template: &corev1.PodTemplateSpecArgs{
			Metadata: &metav1.ObjectMetaArgs{Labels: labels, Annotations: templateAnnotations(args)},
			Spec: &corev1.PodSpecArgs{
				ServiceAccountName:            args.ServiceAccount,
				AutomountServiceAccountToken:  pulumi.Bool(false),
				TerminationGracePeriodSeconds: pulumi.Int(30),
				SecurityContext: &corev1.PodSecurityContextArgs{
					RunAsNonRoot:   pulumi.Bool(true),
					RunAsUser:      pulumi.Int(65532),
					RunAsGroup:     pulumi.Int(65532),
					SeccompProfile: &corev1.SeccompProfileArgs{Type: pulumi.String("RuntimeDefault")},
				},
				Affinity: &corev1.AffinityArgs{PodAntiAffinity: &corev1.PodAntiAffinityArgs{
					PreferredDuringSchedulingIgnoredDuringExecution: corev1.WeightedPodAffinityTermArray{
						&corev1.WeightedPodAffinityTermArgs{Weight: pulumi.Int(100), PodAffinityTerm: &corev1.PodAffinityTermArgs{
							TopologyKey:   pulumi.String("kubernetes.io/hostname"),
							LabelSelector: &metav1.LabelSelectorArgs{MatchLabels: selector},
						}},
					},
				}},
				InitContainers: initContainers(args),
				Containers: corev1.ContainerArray{&corev1.ContainerArgs{
					Name:            pulumi.String(args.Label),
					Image:           args.Image,
					ImagePullPolicy: pulumi.String("IfNotPresent"),
					Ports:           containerPorts(args),
					Env:             containerEnv(args),
					Resources:       containerResources(args),
					// Our binaries are ready in well under a second; the
					// seed's 15 s/30 s delays only slowed rollouts.
					ReadinessProbe: probe("/ready", 2, 5, 3),
					LivenessProbe:  probe("/health", 10, 10, 3),
					// Let the Service drop the pod before SIGTERM arrives.
					Lifecycle: &corev1.LifecycleArgs{PreStop: &corev1.LifecycleHandlerArgs{
						Sleep: &corev1.SleepActionArgs{Seconds: pulumi.Int(5)},
					}},
					SecurityContext: containerSecurity(),
				}},
			},
		},
	}
	if args.HPA == nil {
		spec.Replicas = pulumi.Int(args.Settings.Replicas)
	}
	if pl := args.Placement; pl != nil {
		pod := spec.Template.(*corev1.PodTemplateSpecArgs).Spec.(*corev1.PodSpecArgs)
		// Across zones, then nodes. ScheduleAnyway: a zone or node that
		// is down must not keep a replacement from starting elsewhere.
		spread := func(key string) *corev1.TopologySpreadConstraintArgs {
			return &corev1.TopologySpreadConstraintArgs{MaxSkew: pulumi.Int(1), TopologyKey: pulumi.String(key),
				WhenUnsatisfiable: pulumi.String("ScheduleAnyway"), LabelSelector: &metav1.LabelSelectorArgs{MatchLabels: selector},
				MatchLabelKeys: pulumi.StringArray{pulumi.String("pod-template-hash")}}
		}
		pod.TopologySpreadConstraints = corev1.TopologySpreadConstraintArray{spread("topology.kubernetes.io/zone"), spread("kubernetes.io/hostname")}
		toleration := func(key string) *corev1.TolerationArgs {
			return &corev1.TolerationArgs{Key: pulumi.String(key), Operator: pulumi.String("Exists"), Effect: pulumi.String("NoExecute"),
				TolerationSeconds: pulumi.Int(pl.TolerationSeconds)}
		}
		pod.Tolerations = corev1.TolerationArray{toleration("node.kubernetes.io/not-ready"), toleration("node.kubernetes.io/unreachable")}
		if pl.PriorityClassName != "" {
			pod.PriorityClassName = pulumi.String(pl.PriorityClassName)
		}
	}
	var err error
	a.Deployment, err = appsv1.NewDeployment(ctx, args.Name, &appsv1.DeploymentArgs{Metadata: meta, Spec: spec}, parent)
	if err != nil {
		return nil, fmt.Errorf("declaring deployment %s: %w", args.Name, err)
	}

	svc := &corev1.ServiceSpecArgs{Selector: selector, Type: pulumi.String("ClusterIP"),
		Ports: corev1.ServicePortArray{&corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(args.Port), TargetPort: pulumi.String("http")}}}
	if args.NodePort != 0 {
		svc.Type = pulumi.String("NodePort")
		// Local keeps the browser's address (Cluster would rewrite it to a
		// node's, and the sign-in limits would count one person for all).
		// A node answers only for pods it runs: make up opens the URLs on
		// a node that has them.
		svc.ExternalTrafficPolicy = pulumi.String("Local")
		svc.Ports = corev1.ServicePortArray{&corev1.ServicePortArgs{Name: pulumi.String("http"), Port: pulumi.Int(80),
			TargetPort: pulumi.String("http"), NodePort: pulumi.Int(args.NodePort)}}
	}
	a.Service, err = corev1.NewService(ctx, args.Name, &corev1.ServiceArgs{Metadata: meta, Spec: svc}, parent)
	if err != nil {
		return nil, fmt.Errorf("declaring service %s: %w", args.Name, err)
	}

	if args.HPA != nil {
		util := func(resource string, pct int) *autoscalingv2.MetricSpecArgs {
			return &autoscalingv2.MetricSpecArgs{Type: pulumi.String("Resource"), Resource: &autoscalingv2.ResourceMetricSourceArgs{
				Name:   pulumi.String(resource),
				Target: &autoscalingv2.MetricTargetArgs{Type: pulumi.String("Utilization"), AverageUtilization: pulumi.Int(pct)},
			}}
		}
		a.HPA, err = autoscalingv2.NewHorizontalPodAutoscaler(ctx, args.Name+"-hpa", &autoscalingv2.HorizontalPodAutoscalerArgs{
			Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(args.Name + "-hpa"), Namespace: pulumi.String(args.Namespace), Labels: labels},
			Spec: &autoscalingv2.HorizontalPodAutoscalerSpecArgs{
				ScaleTargetRef: &autoscalingv2.CrossVersionObjectReferenceArgs{ApiVersion: pulumi.String("apps/v1"), Kind: pulumi.String("Deployment"), Name: a.Deployment.Metadata.Name().Elem()},
				MinReplicas:    pulumi.Int(args.HPA.Min),
				MaxReplicas:    pulumi.Int(args.HPA.Max),
				Metrics:        autoscalingv2.MetricSpecArray{util("cpu", args.HPA.CPUPercent), util("memory", args.HPA.MemoryPercent)},
			},
		}, parent)
		if err != nil {
			return nil, fmt.Errorf("declaring autoscaler for %s: %w", args.Name, err)
		}
	}
	a.PDB, err = policyv1.NewPodDisruptionBudget(ctx, args.Name+"-pdb", &policyv1.PodDisruptionBudgetArgs{
		Metadata: &metav1.ObjectMetaArgs{Name: pulumi.String(args.Name + "-pdb"), Namespace: pulumi.String(args.Namespace), Labels: labels},
		Spec:     pdbSpec(args, selector),
	}, parent)
	if err != nil {
		return nil, fmt.Errorf("declaring disruption budget for %s: %w", args.Name, err)
	}
	a.ServiceName = a.Service.Metadata.Name().Elem()
	a.Image = args.Image.ToStringOutput()
	if err := ctx.RegisterResourceOutputs(a, pulumi.Map{"serviceName": a.ServiceName, "image": a.Image}); err != nil {
		return nil, err
	}
	return a, nil
}

// pdbSpec keeps one pod of the minikube stack's two; a production stack's
// three or more lose at most one at a time to a drain. A pod that is not
// ready protects nothing: a drain may evict it rather than block on it.
func pdbSpec(args *AppArgs, selector pulumi.StringMap) *policyv1.PodDisruptionBudgetSpecArgs {
	spec := &policyv1.PodDisruptionBudgetSpecArgs{MinAvailable: pulumi.Int(1), Selector: &metav1.LabelSelectorArgs{MatchLabels: selector},
		UnhealthyPodEvictionPolicy: pulumi.String("AlwaysAllow")}
	if args.Placement != nil {
		spec.MinAvailable, spec.MaxUnavailable = nil, pulumi.Int(1)
	}
	return spec
}
