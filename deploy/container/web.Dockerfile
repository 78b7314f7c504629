# syntax=docker/dockerfile:1
#
# The web image: the staff console and the residents' pages, built with npm and served by an
# unprivileged nginx on 8080 (deploy/k8s/web.yaml).
#   docker build -f deploy/container/web.Dockerfile -t ghcr.io/yishi-project/yishi-web:0.1.0 .
# The build context is the repository root; keep services/web/node_modules and dist out of it
# (.dockerignore, deploy/README.md).

ARG NODE_IMAGE=node:22-bookworm-slim
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.27-alpine

FROM ${NODE_IMAGE} AS build
WORKDIR /src/services/web
COPY services/web/package.json services/web/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY services/web/ ./
RUN npm run build

FROM ${NGINX_IMAGE} AS runtime
COPY deploy/container/web-nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /src/services/web/dist /usr/share/nginx/html
# nginx-unprivileged's user, numeric for runAsNonRoot; its pid and temp files go to /tmp.
USER 101:101
EXPOSE 8080
