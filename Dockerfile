# syntax=docker/dockerfile:1
# Build: docker build -t busbar .
# Run:   docker run -p 8080:8080 busbar
#        docker run -p 8080:8080 -v "$PWD/conf:/opt/busbar/conf:ro" -v "$PWD/verticles:/opt/busbar/verticles:ro" busbar

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
# Dependencies first, so that a source change does not download them again.
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
COPY conf conf
COPY verticles verticles
RUN mvn -B -q -DskipTests package

FROM eclipse-temurin:17-jre
# curl only serves the HEALTHCHECK.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system busbar \
 && useradd --system --gid busbar --home-dir /opt/busbar --shell /usr/sbin/nologin busbar
WORKDIR /opt/busbar
COPY --from=build /src/target/busbar.jar busbar.jar
# Defaults; mount over /opt/busbar/conf and /opt/busbar/verticles to replace them.
COPY conf conf
COPY verticles verticles
RUN mkdir -p data && chown busbar:busbar data
VOLUME ["/opt/busbar/data"]
USER busbar
EXPOSE 8080
# Read by the JVM itself, so the exec-form ENTRYPOINT below needs no shell. The heap starts at its full size: G1
# would otherwise shrink it after start-up and serve the first load with a small young generation (bench/README.md).
ENV JAVA_TOOL_OPTIONS="-XX:InitialRAMPercentage=75 -XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=10s --timeout=3s --start-period=40s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${BUSBAR_HTTP_PORT:-8080}/ready" > /dev/null 2>&1 \
   || curl -kfsS "https://127.0.0.1:${BUSBAR_HTTP_PORT:-8080}/ready" > /dev/null || exit 1
# Exec form: the JVM is PID 1 and receives SIGTERM, so Vert.x shuts down cleanly.
# Extra launcher options (e.g. -cluster) go after the image name: docker run busbar -cluster
ENTRYPOINT ["java", "-jar", "/opt/busbar/busbar.jar"]
