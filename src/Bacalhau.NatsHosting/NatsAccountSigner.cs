using Bacalhau.Contracts.Protocol;
using Bacalhau.Messaging.Content;
using NATS.Client.Core;
using NATS.NKeys;

namespace Bacalhau.NatsHosting;

/// <summary>
/// Issues users of the cluster's account: services with every permission (the orchestrator, health checks) and
/// compute nodes confined to their own subjects. Only the holder of the account's key can.
/// </summary>
public sealed class NatsAccountSigner(KeyPair account) : IDisposable
{
    private const string ContentStream = ContentStore.StreamName;

    /// <summary>The signer whose account seed is in <paramref name="path"/>.</summary>
    public static NatsAccountSigner Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new(NKeySeeds.Load(path, PrefixByte.Account));
    }

    /// <summary>
    /// The signer of the system account whose seed lies beside the cluster account's <paramref name="accountSeedFile"/>
    /// (<see cref="NatsClusterKeys.SystemSeedFileName"/>); null when there is none.
    /// </summary>
    public static NatsAccountSigner? LoadSystemBeside(string accountSeedFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountSeedFile);
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(accountSeedFile))!, NatsClusterKeys.SystemSeedFileName);
        return File.Exists(path) ? Load(path) : null;
    }

    /// <summary>Credentials of a new user allowed everything in the account.</summary>
    public NatsAuthOpts ServiceUser(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var user = KeyPair.CreatePair(PrefixByte.User);
        return NatsAuthOpts.Default with { Jwt = NatsJwt.User(account, user.GetPublicKey(), name, permissions: null), Seed = user.GetSeed() };
    }

    /// <summary>A user JWT for compute node <paramref name="nodeId"/> holding the user key <paramref name="userPublicKey"/>.</summary>
    public string NodeUser(string nodeId, string userPublicKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ArgumentException.ThrowIfNullOrEmpty(userPublicKey);
        return NatsJwt.User(account, userPublicKey, nodeId, NodePermissions(nodeId));
    }

    /// <summary>
    /// A node publishes only in its own out space, receives only its in space, its log requests and its own inbox,
    /// and of JetStream only what putting an object in the content bucket and reading one by name takes: message gets
    /// (its metadata, its chunks one by one: <see cref="ContentStore.ReadAsync"/>), never a consumer or a purge.
    /// </summary>
    internal static NatsPermissions NodePermissions(string nodeId) => new(
        [
            Subjects.AllOut(nodeId),
            $"$O.{ContentStore.Bucket}.>",
            $"$JS.API.STREAM.INFO.{ContentStream}",
            $"$JS.API.STREAM.CREATE.{ContentStream}",
            $"$JS.API.STREAM.MSG.GET.{ContentStream}",
            $"$JS.API.DIRECT.GET.{ContentStream}.>",
        ],
        [Subjects.AllIn(nodeId), Subjects.AllNodeRequests(nodeId), Subjects.Inbox(nodeId) + ".>"]);

    public void Dispose() => account.Dispose();
}
