# Build: a static binary with the texts and the sample config embedded.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/lotse ./cmd/lotse

# Run: no shell, no package manager, not root.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/lotse /usr/local/bin/lotse
USER nonroot:nonroot
EXPOSE 8080
# No shell or curl here: the binary asks its own /healthz on METRICS_ADDR.
# start-period covers STARTUP_WAIT, the time serve waits for Redis.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 CMD ["/usr/local/bin/lotse", "health"]
ENTRYPOINT ["/usr/local/bin/lotse"]
CMD ["serve"]
