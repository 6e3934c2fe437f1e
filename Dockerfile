# One image per service of a deployment (the AppHost's publish mode builds it for the orchestrator and for compute):
# SERVICE names the project under src/, DATA_DIR is where the service's data volume is mounted.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG SERVICE
WORKDIR /repo
COPY . .
RUN dotnet publish "src/${SERVICE}/${SERVICE}.csproj" -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG SERVICE
ARG DATA_DIR
# Owned by the image's non-root user: a new volume mounted there takes this owner, so the service can write to it.
RUN mkdir -p "${DATA_DIR}" && chown "${APP_UID}" "${DATA_DIR}" && chmod 700 "${DATA_DIR}"
WORKDIR /app
COPY --from=build /app .
USER ${APP_UID}
ENV SERVICE=${SERVICE}
ENTRYPOINT ["/bin/sh", "-c", "exec dotnet \"/app/${SERVICE}.dll\""]
