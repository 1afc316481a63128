# Public Application Load Balancer in front of smart-router.
#
# Decision: both target groups, `shared` and `premium`, hold the SAME smart-router pods.
#   The ALB does not pick an API tier; smart-router does (X-User-Tier after its trust policy, plus
#   its route table). The ALB only terminates TLS and hands every request to a router pod. The
#   router pods are registered in both target groups by the AWS Load Balancer Controller through
#   two TargetGroupBinding objects (outputs alb_target_group_arns; the controller's IAM role is in
#   eks.tf and may only register/deregister targets in these two groups).
#   Why keep two target groups when they hold the same pods:
#     - per-tier edge metrics: CloudWatch TargetResponseTime / HTTPCode_Target_5XX_Count per target
#       group give the premium 50 ms and shared 100 ms SLOs as the client sees them (router
#       included), independently of the router's own metrics;
#     - a later dedicated router Deployment for premium traffic is a TargetGroupBinding change, not
#       a listener change.
#   The ALB rules are NOT a security boundary. X-User-Tier arrives from the client unauthenticated;
#   a LITE user who sends "X-User-Tier: ELITE" lands in the premium target group, i.e. on the same
#   router pods, and the router then decides with tiers.trust: `jwt`, a token signed by the
#   identity provider (var.tier_jwt_*), so a claimed tier without a valid token is served as LITE.
#   The router believes X-Forwarded-For only from server.trusted_proxies (the VPC: the ALB), so
#   its client address (rate-limit keys, logs) is the client's, not the ALB's.
#
# Decision: the router's admin endpoints (/health, /ready, /metrics) are on their own port
#   (var.router_admin_port, admin.listen). The target groups forward requests to router_port
#   only; their health checks go to the admin port's /health. No listener or rule points at the
#   admin port, so /metrics and /ready are unreachable from the internet.
#
# Decision: the design's single premium rule "paths OR header values" cannot be one ALB rule:
#   conditions of different types in one rule are ANDed (only values inside one condition are
#   ORed), so one rule would route only premium paths that also carry a premium header. Two rules:
#   priority 10 for the paths, priority 20 for the header. Each stays within the ALB limit of five
#   condition values per rule (3 paths; 4 header values), which the variables' validations enforce.

resource "aws_lb" "main" {
  name               = "${local.name}-alb"
  load_balancer_type = "application"
  internal           = false
  security_groups    = [aws_security_group.alb.id]
  subnets            = aws_subnet.public[*].id

  idle_timeout               = var.alb_idle_timeout_seconds # < router keep-alive idle timeout
  enable_http2               = true
  drop_invalid_header_fields = true # routing reads a header: drop malformed header names outright
  desync_mitigation_mode     = "defensive"
  enable_deletion_protection = var.alb_deletion_protection

  dynamic "access_logs" {
    for_each = var.alb_access_logs_bucket == "" ? [] : [var.alb_access_logs_bucket]
    content {
      bucket  = access_logs.value
      prefix  = local.name
      enabled = true
    }
  }

  tags = { Name = "${local.name}-alb" }
}

# One target group per infrastructure tier; both hold the smart-router pods (see above).
resource "aws_lb_target_group" "shared" {
  name                          = "${local.name}-shared"
  port                          = var.router_port
  protocol                      = "HTTP"
  protocol_version              = "HTTP1" # smart-router speaks HTTP/1.1 to its clients
  target_type                   = "ip"    # pod IPs (VPC CNI), registered by TargetGroupBinding
  vpc_id                        = aws_vpc.main.id
  load_balancing_algorithm_type = "least_outstanding_requests"

  # The router turns /health to 503 when SIGTERM starts its drain and keeps serving in-flight
  # requests for up to server.drain_timeout_ms (20 s). Keep deregistration longer than that, and
  # the pods' terminationGracePeriodSeconds longer than preStop delay + 20 s.
  deregistration_delay = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = tostring(var.router_admin_port) # /health lives on the admin listener only
    path                = var.router_health_check_path
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  tags = { Name = "${local.name}-shared", Tier = "shared" }
}

resource "aws_lb_target_group" "premium" {
  name                          = "${local.name}-premium"
  port                          = var.router_port
  protocol                      = "HTTP"
  protocol_version              = "HTTP1"
  target_type                   = "ip"
  vpc_id                        = aws_vpc.main.id
  load_balancing_algorithm_type = "least_outstanding_requests"
  deregistration_delay          = 30

  health_check {
    enabled             = true
    protocol            = "HTTP"
    port                = tostring(var.router_admin_port) # /health lives on the admin listener only
    path                = var.router_health_check_path
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }

  tags = { Name = "${local.name}-premium", Tier = "premium" }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.alb_ssl_policy # ELBSecurityPolicy-TLS13-1-2-2021-06 (TLS 1.3 + 1.2), not the 2017 policy
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.shared.arn
  }
}

resource "aws_lb_listener" "http_redirect" {
  load_balancer_arn = aws_lb.main.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }
}

# Premium rule 1: premium API paths (path patterns are case-sensitive on the ALB, as in the router).
resource "aws_lb_listener_rule" "premium_paths" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  condition {
    path_pattern {
      values = var.premium_path_patterns
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.premium.arn
  }

  tags = { Name = "${local.name}-premium-paths" }
}

# Premium rule 2: premium tier header (values compared case-insensitively by the ALB, as by the
# router). Not an authorization: see the note at the top of this file.
resource "aws_lb_listener_rule" "premium_tier_header" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 20

  condition {
    http_header {
      http_header_name = var.premium_tier_header_name
      values           = var.premium_tier_header_values
    }
  }

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.premium.arn
  }

  tags = { Name = "${local.name}-premium-tier-header" }
}
