# smart-router container image.
#
#   docker build -t smart-router:0.1.0 .
#   docker run --rm -p 8080:8080 smart-router:0.1.0            # default config (demo upstreams)
#   docker run --rm smart-router:0.1.0 --check-config /etc/smart-router/router.yaml
#
# Stage 1 builds the binary on Debian 12 with the distribution's libraries (Debian 12 packages:
# Boost 1.81, OpenSSL 3.0, spdlog 1.10 + fmt 9, prometheus-cpp 1.0, yaml-cpp 0.7, cpp-jwt).
# Stage 2 is Debian 12 slim with only the runtime packages of the same libraries (checked with
# ldd of the built binary), installed as packages rather than copied .so files so that a rebuild
# picks up Debian's security updates. coreutils stays: the Kubernetes preStop hook runs
# /bin/sleep. Runs as uid/gid 10001 without a login shell (deploy/k8s runs it as 10001 with a
# read-only root filesystem and a /tmp emptyDir).

FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      g++ cmake ninja-build \
      libboost1.81-dev libssl-dev nlohmann-json3-dev libspdlog-dev prometheus-cpp-dev \
      libyaml-cpp-dev libcpp-jwt-dev libjemalloc-dev libhiredis-dev pkg-config \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# RelWithDebInfo (-O2), stripped: the build the tests, CI and the benchmarks run, so the image
# holds what was measured and warnings are the ones CI sees (-O3 had a g++ 12 false -Wrestrict
# that no other build showed).
RUN cmake -S . -B build -G Ninja -DSR_BUILD_TESTS=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
 && cmake --build build --target smart-router \
 && strip --strip-unneeded build/smart-router \
 && build/smart-router --version

FROM debian:12-slim
ARG SR_UID=10001
ENV DEBIAN_FRONTEND=noninteractive
# libssl3: libssl.so.3 + libcrypto.so.3; libspdlog1.10 + libfmt9; libyaml-cpp0.7;
# libprometheus-cpp-core1.0; libjemalloc2 (the router's malloc); libhiredis0.14 (RESP for the
# fleet quotas' Redis). libstdc++6 and libgcc-s1 are already in the base image.
# ca-certificates: the system trust store for upstream TLS with verify: true and no ca_file.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libssl3 libspdlog1.10 libfmt9 libyaml-cpp0.7 libprometheus-cpp-core1.0 libjemalloc2 \
      libhiredis0.14 ca-certificates \
 && apt-get clean \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/apt /var/log/dpkg.log \
 && groupadd --gid "${SR_UID}" smart-router \
 && useradd --uid "${SR_UID}" --gid "${SR_UID}" --no-create-home --no-log-init \
      --home-dir /nonexistent --shell /usr/sbin/nologin smart-router

COPY --from=build /src/build/smart-router /usr/local/bin/smart-router
COPY config/router.yaml /etc/smart-router/router.yaml

# Fail the image build, not the first pod, when a shared library is missing or the bundled
# config does not validate.
RUN if ldd /usr/local/bin/smart-router | grep 'not found'; then exit 1; fi \
 && /usr/local/bin/smart-router --version \
 && /usr/local/bin/smart-router --check-config /etc/smart-router/router.yaml

ENV SMART_ROUTER_CONFIG=/etc/smart-router/router.yaml
# 8080: traffic; 9090: the admin endpoints when admin.listen is set (deploy/k8s does)
EXPOSE 8080 9090
USER 10001:10001
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/smart-router"]

LABEL org.opencontainers.image.title="smart-router" \
      org.opencontainers.image.description="Tier-aware L7 reverse proxy (LITE/PRO -> shared, ELITE/BLACK/OBSIDIAN/VOID -> premium)" \
      org.opencontainers.image.base.name="debian:12-slim"
