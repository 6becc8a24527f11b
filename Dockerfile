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
ENTRYPOINT ["/usr/local/bin/lotse"]
CMD ["serve"]
