namespace Bacalhau.Contracts.Protocol;

/// <summary>Values of the <c>Bacalhau-Type</c> header, one per message record.</summary>
public static class MessageTypes
{
    public const string HandshakeRequest = "HandshakeRequest";
    public const string HandshakeResponse = "HandshakeResponse";
    public const string HeartbeatRequest = "HeartbeatRequest";
    public const string HeartbeatResponse = "HeartbeatResponse";
    public const string UpdateNodeInfoRequest = "UpdateNodeInfoRequest";
    public const string UpdateNodeInfoResponse = "UpdateNodeInfoResponse";
    public const string ShutdownNoticeRequest = "ShutdownNoticeRequest";
    public const string ShutdownNoticeResponse = "ShutdownNoticeResponse";
    public const string IdentityChallengeRequest = "IdentityChallengeRequest";
    public const string IdentityChallengeResponse = "IdentityChallengeResponse";
    public const string RejoinRequest = "RejoinRequest";
    public const string Error = "Error";

    public const string AskForBid = "AskForBidRequest";
    public const string BidAccepted = "BidAcceptedRequest";
    public const string BidRejected = "BidRejectedRequest";
    public const string CancelExecution = "CancelExecutionRequest";
    public const string BidResult = "BidResult";
    public const string RunResult = "RunResult";
    public const string ComputeError = "ComputeError";
}
