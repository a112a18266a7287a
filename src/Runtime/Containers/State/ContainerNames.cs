using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ContainerTools.OciRuntime.Errors;

namespace ContainerTools.Runtime.Containers.State;

/// <summary>Container ids (64 hex digits, as Docker) and names (given, or a random adjective_surname).</summary>
public static partial class ContainerNames
{
    private static readonly string[] Adjectives =
    [
        "admiring", "agitated", "amazing", "angry", "awesome", "blissful", "bold", "boring", "brave", "busy", "charming",
        "clever", "compassionate", "competent", "confident", "cool", "dazzling", "determined", "distracted", "dreamy",
        "eager", "ecstatic", "elastic", "elegant", "epic", "exciting", "fervent", "festive", "focused", "friendly",
        "frosty", "funny", "gallant", "gifted", "goofy", "gracious", "happy", "hopeful", "hungry", "infallible",
        "inspiring", "jolly", "jovial", "keen", "kind", "laughing", "loving", "lucid", "magical", "modest", "musing",
        "mystifying", "nervous", "nice", "nifty", "nostalgic", "objective", "optimistic", "peaceful", "pedantic",
        "pensive", "practical", "priceless", "quirky", "quizzical", "relaxed", "reverent", "romantic", "sad", "serene",
        "sharp", "silly", "sleepy", "stoic", "strange", "sweet", "tender", "thirsty", "trusting", "upbeat", "vibrant",
        "vigilant", "vigorous", "wizardly", "wonderful", "xenodochial", "youthful", "zealous", "zen",
    ];

    private static readonly string[] Surnames =
    [
        "agnesi", "albattani", "allen", "archimedes", "babbage", "banach", "bardeen", "bartik", "bell", "bhabha",
        "blackwell", "bohr", "booth", "borg", "bose", "brahmagupta", "brown", "carson", "cerf", "chandrasekhar",
        "clarke", "curie", "darwin", "davinci", "dijkstra", "einstein", "elion", "euclid", "euler", "faraday",
        "fermat", "fermi", "feynman", "franklin", "galileo", "gauss", "goldberg", "goodall", "hamilton", "hawking",
        "heisenberg", "hertz", "hodgkin", "hopper", "hypatia", "jackson", "johnson", "kalam", "kepler", "knuth",
        "lamarr", "leakey", "lovelace", "lumiere", "mayer", "mccarthy", "mclean", "meitner", "mendel", "morse",
        "napier", "newton", "nobel", "noether", "pascal", "pasteur", "perlman", "pike", "poincare", "ptolemy",
        "ramanujan", "ritchie", "rosalind", "sammet", "shannon", "shockley", "sinoussi", "stonebraker", "swanson",
        "tesla", "thompson", "torvalds", "turing", "varahamihira", "wescoff", "wilbur", "williams", "wozniak", "yonath",
    ];

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")]
    private static partial Regex ValidName();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex FullId();

    public static string NewId() => Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();

    public static bool IsFullId(string text) => FullId().IsMatch(text);

    public static string RandomName() =>
        $"{Adjectives[RandomNumberGenerator.GetInt32(Adjectives.Length)]}_{Surnames[RandomNumberGenerator.GetInt32(Surnames.Length)]}";

    /// <summary>Docker's rule: a letter or digit, then letters, digits, '_', '.' or '-'. A leading '/' is dropped as Docker does.</summary>
    public static string Validate(string name)
    {
        var trimmed = name.StartsWith('/') ? name.Substring(1) : name;
        if (!ValidName().IsMatch(trimmed) || trimmed.Length > 128)
        {
            throw new ContainerToolsException(ErrorIds.InvalidContainerName, $"'{name}' is not a valid container name: use letters, digits, '_', '.' and '-', starting with a letter or digit.", name);
        }
        return trimmed;
    }
}
