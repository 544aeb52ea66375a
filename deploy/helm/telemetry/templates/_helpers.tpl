{{- define "telemetry.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "telemetry.labels" -}}
app.kubernetes.io/part-of: telemetry
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "telemetry.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "telemetry.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "telemetry.fullname" .)) -}}
{{- end -}}
