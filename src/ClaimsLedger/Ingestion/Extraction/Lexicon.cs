namespace ClaimsLedger.Ingestion.Extraction;

/// <summary>
/// What the extractor knows of English reporting style: the verbs that report speech, the words
/// that title a person, the words that mark a scare quote, and the look of a news outlet. General
/// knowledge of the register, not of any particular article.
/// </summary>
public static class Lexicon
{
    public static readonly HashSet<string> SpeechVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "said", "says", "say", "saying", "told", "tells", "tell", "telling", "noted", "notes", "noting", "added", "adds", "adding",
        "acknowledged", "acknowledges", "acknowledge", "predicted", "predicts", "concluded", "concludes", "announced", "announces",
        "explained", "explains", "stated", "states", "insisted", "insists", "warned", "warns", "warning", "described", "describes",
        "declared", "declares", "mentioned", "mentions", "clarified", "clarifies", "likened", "likens", "asked", "asks", "replied",
        "replies", "argued", "argues", "claimed", "claims", "wrote", "writes", "confirmed", "confirms", "denied", "denies",
        "stressed", "stresses", "emphasized", "emphasised", "observed", "remarked", "suggested", "suggests", "indicated",
        "commented", "continued", "rejected", "dismissed", "disclosed", "discloses", "briefed", "recalled", "admitted", "admits", "conceded", "promised", "pledged", "vowed", "maintained",
        "contended", "asserted", "urged", "cautioned", "affirmed", "repeated", "answered", "responded", "testified", "tweeted",
        "posted", "announcing", "explaining", "insisting", "acknowledging", "predicting", "declaring", "stating", "claiming", "arguing",
    };

    /// <summary>Verbs a reporter uses for what a publication says (they attribute to the outlet, not to a speaker).</summary>
    public static readonly HashSet<string> ReportingVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "reported", "reports", "reporting", "revealed", "reveals", "bared",
    };

    public static readonly HashSet<string> Pronouns = new(StringComparer.OrdinalIgnoreCase) { "he", "she", "they", "we", "i" };

    /// <summary>Ranks, offices and honorifics that precede a name ("Marine Gen.", "Defense secretary", "President").</summary>
    public static readonly HashSet<string> TitleWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "president", "vice", "prime", "minister", "secretary", "gen.", "general", "lt.", "lieutenant", "col.", "colonel", "maj.", "major",
        "capt.", "captain", "sgt.", "sergeant", "adm.", "admiral", "cmdr.", "commander", "brig.", "marine", "army", "navy", "air",
        "force", "defense", "defence", "state", "foreign", "interior", "spokesman", "spokeswoman", "spokesperson", "press", "mr.",
        "mrs.", "ms.", "dr.", "sen.", "senator", "rep.", "representative", "gov.", "governor", "mayor", "chief", "ambassador", "envoy",
        "chairman", "chairwoman", "director", "deputy", "assistant", "special", "senior", "former", "acting", "pentagon",
        "white", "house", "prof.", "professor", "king", "queen", "prince", "sheikh", "pope", "premier", "chancellor", "officer", "sir", "dame", "lord", "lady", "retired", "mr", "mrs", "ms", "dr",
    };

    /// <summary>Title words that qualify a title rather than name one ("foreign" minister, "senior" officer).</summary>
    public static readonly HashSet<string> TitleModifiers = new(StringComparer.OrdinalIgnoreCase)
    {
        "foreign", "defense", "defence", "state", "interior", "senior", "deputy", "assistant", "special", "former", "acting", "vice", "prime",
        "chief", "white", "house", "pentagon", "marine", "army", "navy", "air", "force", "retired", "press", "mr", "mrs", "ms", "dr", "mr.",
        "mrs.", "ms.", "dr.", "sir", "dame", "lord", "lady",
    };

    /// <summary>Abbreviated ranks spelled out, so "the top general" can find "Gen. X".</summary>
    public static readonly Dictionary<string, string> Ranks = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gen."] = "general", ["lt."] = "lieutenant", ["col."] = "colonel", ["maj."] = "major", ["capt."] = "captain",
        ["sgt."] = "sergeant", ["adm."] = "admiral", ["cmdr."] = "commander", ["brig."] = "brigadier", ["sec."] = "secretary",
        ["gov."] = "governor", ["sen."] = "senator", ["rep."] = "representative", ["pres."] = "president",
    };

    /// <summary>Words that show a quotation is a term, not somebody's statement ("so-called", "dubbed").</summary>
    public static readonly HashSet<string> ScareMarkers = new(StringComparer.OrdinalIgnoreCase)
    {
        "so-called", "dubbed", "nicknamed", "codenamed", "code-named", "term", "word", "phrase", "slogan", "motto", "titled", "entitled",
        "headlined", "hashtag",
    };

    /// <summary>Documents an institution speaks through ("the AFRICOM press release").</summary>
    public static readonly string[] DocumentNouns = ["press release", "statement", "release", "announcement", "communique", "report", "letter", "memo", "tweet", "post"];

    /// <summary>
    /// Verbs that report speech only right beside a quotation ("“...,” he continued"); elsewhere they
    /// mean something else ("jets have continued airstrikes").
    /// </summary>
    public static readonly HashSet<string> QuoteOnlyVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "continued", "continues", "repeated", "answered", "replied", "responded", "posted", "briefed",
    };

    /// <summary>Capitalized words that open sentences, not names ("But Lapan said", "Then Cook").</summary>
    public static readonly HashSet<string> SentenceOpeners = new(StringComparer.OrdinalIgnoreCase)
    {
        "but", "and", "or", "so", "then", "now", "however", "meanwhile", "still", "yet", "also", "earlier", "later", "today", "yesterday",
        "last", "next", "this", "that", "these", "those", "such", "according", "asked", "in", "on", "at", "as", "when", "while", "after",
        "before", "since", "if", "though", "although", "because", "with", "without", "for", "from", "by", "of", "to", "the", "a", "an",
        "he", "she", "it", "they", "we", "i", "his", "her", "its", "their", "our", "my", "speaking", "during", "under", "over", "despite",
    };

    /// <summary>Verbs whose object is what was denied: only "denied that CLAUSE" reports speech.</summary>
    public static readonly HashSet<string> DenialVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "denied", "denies", "deny", "rejected", "rejects", "dismissed", "dismisses", "refuted", "disputed",
    };

    /// <summary>Auxiliaries between a speaker and the verb ("has said", "had told", "would later say").</summary>
    public static readonly HashSet<string> Auxiliaries = new(StringComparer.OrdinalIgnoreCase)
    {
        "has", "have", "had", "will", "would", "did", "does", "do", "could", "can", "may", "might", "should", "must", "reportedly",
    };

    /// <summary>Where a noun phrase stops, walking back from its verb.</summary>
    public static readonly HashSet<string> PhraseBreaks = new(StringComparer.OrdinalIgnoreCase)
    {
        "that", "which", "what", "who", "whom", "whose", "when", "where", "while", "because", "but", "and", "or", "if", "as", "for",
        "to", "is", "are", "was", "were", "has", "have", "had", "be", "been", "would", "could", "will", "can", "may", "might", "should",
        "did", "does", "do", "not", "than", "then", "so", "after", "before", "since", "though", "although", "however", "also",
    };

    public static readonly HashSet<string> Adverbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "also", "again", "then", "instead", "later", "earlier", "still", "further", "repeatedly", "once", "often", "now", "today",
        "yesterday", "recently", "previously", "subsequently", "officially", "reportedly", "publicly", "privately", "currently",
    };

    private static readonly string[] OutletWords =
    [
        "news", "times", "post", "wire", "herald", "journal", "guardian", "press", "agency", "telegraph", "tribune", "gazette", "daily",
        "weekly", "magazine", "newspaper", "television", "tv", "radio", "broadcasting", "network", "reuters", "bloomberg", "afp", "ap",
        "bbc", "cnn", "npr", "dw", "voa", "xinhua", "tass", "ria", "anadolu", "aljazeera", "economist", "politico", "axios", "vox",
    ];

    /// <summary>What a reporter calls a publication without naming it ("the newspaper reported").</summary>
    public static readonly HashSet<string> OutletNouns = new(StringComparer.OrdinalIgnoreCase)
    {
        "newspaper", "paper", "magazine", "broadcaster", "station", "channel", "agency", "network", "website", "outlet", "tabloid", "daily",
        "weekly", "publication", "report", "reports",
    };

    /// <summary>A news outlet or publication, as a reporter names one ("DW", "The Financial Times", "an AFP report").</summary>
    public static bool LooksLikeOutlet(IReadOnlyList<string> words, string? articleOutlet)
    {
        if (words.Count == 0)
        {
            return false;
        }

        var phrase = string.Join(' ', words);
        if (articleOutlet is not null && articleOutlet.Contains(phrase, StringComparison.OrdinalIgnoreCase) && phrase.Length > 2)
        {
            return true;
        }

        var named = words.Where(word => !word.Equals("the", StringComparison.OrdinalIgnoreCase)).ToList();
        return named.Count > 0 && named.All(word => char.IsUpper(word[0])) &&
               named.Any(word => OutletWords.Contains(word.Trim('.').ToLowerInvariant()));
    }
}
