using System.Text.Json.Serialization;
using Bacalhau.Core.Api;
using Bacalhau.Core.Models;
using Bacalhau.Core.Models.Jobs;
using Bacalhau.Core.Protocol;

namespace Bacalhau.Core.Serialization;

/// <summary>Source-generated JSON for every wire and API type; Bacalhau's PascalCase names are kept as declared.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NodeInfo))]
[JsonSerializable(typeof(NodeState))]
[JsonSerializable(typeof(HandshakeRequest))]
[JsonSerializable(typeof(HandshakeResponse))]
[JsonSerializable(typeof(HeartbeatRequest))]
[JsonSerializable(typeof(HeartbeatResponse))]
[JsonSerializable(typeof(UpdateNodeInfoRequest))]
[JsonSerializable(typeof(UpdateNodeInfoResponse))]
[JsonSerializable(typeof(ShutdownNoticeRequest))]
[JsonSerializable(typeof(ShutdownNoticeResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(BuildVersionInfo))]
[JsonSerializable(typeof(ListNodesResponse))]
[JsonSerializable(typeof(GetNodeResponse))]
[JsonSerializable(typeof(UpdateNodeRequest))]
[JsonSerializable(typeof(UpdateNodeResponse))]
[JsonSerializable(typeof(IsAliveResponse))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(Job))]
[JsonSerializable(typeof(Execution))]
[JsonSerializable(typeof(Evaluation))]
[JsonSerializable(typeof(JobHistory))]
[JsonSerializable(typeof(PutJobRequest))]
[JsonSerializable(typeof(PutJobResponse))]
[JsonSerializable(typeof(RunJobResponse))]
[JsonSerializable(typeof(ListJobsResponse))]
[JsonSerializable(typeof(GetJobResponse))]
[JsonSerializable(typeof(ListJobExecutionsResponse))]
[JsonSerializable(typeof(ListJobHistoryResponse))]
[JsonSerializable(typeof(ListJobResultsResponse))]
[JsonSerializable(typeof(StopJobResponse))]
[JsonSerializable(typeof(AskForBidRequest))]
[JsonSerializable(typeof(BidAcceptedRequest))]
[JsonSerializable(typeof(BidRejectedRequest))]
[JsonSerializable(typeof(CancelExecutionRequest))]
[JsonSerializable(typeof(BidResult))]
[JsonSerializable(typeof(RunResult))]
[JsonSerializable(typeof(ComputeError))]
[JsonSerializable(typeof(Ack))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
[JsonSerializable(typeof(ExecutionLogsRequest))]
[JsonSerializable(typeof(ExecutionLogBatch))]
[JsonSerializable(typeof(ExecutionLogLine))]
public sealed partial class BacalhauJsonContext : JsonSerializerContext;
