namespace InfiniteContext.Evaluation;

/// <summary>
/// The vocabulary the haystack generator writes with: ordinary English words sorted by part of speech,
/// written for this project (no corpus is copied). Lists are ordered roughly from common to rare, and the
/// generator draws from them with a Zipf-like law, so frequent words repeat the way they do in real prose
/// while the long tail keeps the index vocabulary realistic in size.
/// </summary>
internal static class ProseLexicon
{
    public static readonly string[] Nouns = Split("""
        house door window road river town village morning evening night day year week letter table chair
        garden field hill wall street bridge boat horse dog cat bird tree forest stone water fire light
        room kitchen fence gate path market church school mill farm barn harbour ship sail wind rain
        snow cloud sky sun moon star shadow voice hand face eye heart mind book paper pen lamp candle
        bread cheese apple pear basket bottle cup plate knife spoon coat hat boot glove scarf blanket
        bed pillow clock bell rope ladder wagon cart wheel axe hammer nail board roof chimney cellar
        attic stair corridor hall library office shop inn tavern station platform train carriage coach
        road-map journey story song rhyme game lesson question answer reason promise secret rumour
        quarrel bargain debt coin purse wallet ledger account price wage rent tax parcel package crate
        barrel sack grain flour sugar salt pepper butter milk egg soup stew pie cake tea coffee wine
        ale cider orchard meadow pasture hedge ditch pond lake stream valley mountain cliff shore beach
        wave tide island cape bay marsh moor heath wood grove clearing trail track lane square avenue
        neighbour friend stranger traveller merchant farmer baker miller weaver tailor smith carpenter
        doctor nurse teacher pupil clerk lawyer judge soldier sailor captain priest widow orphan cousin
        uncle aunt brother sister mother father daughter son grandmother grandfather child baby crowd
        council mayor sheriff constable guard servant cook maid gardener shepherd fisherman hunter
        painter poet musician fiddler singer dancer actor writer reader scholar student apprentice
        master owner tenant landlord guest host visitor messenger courier pilot driver porter
        umbrella mirror portrait photograph map compass telescope lantern kettle stove oven hearth
        chest drawer cupboard shelf trunk suitcase envelope stamp ribbon button needle thread cloth
        wool linen silk cotton leather velvet lace pattern colour shape edge corner circle line mark
        sign notice poster newspaper magazine diary journal note list recipe ticket receipt invoice
        engine motor pump pipe wire cable switch machine tool spade rake hoe plough sickle scythe
        season spring summer autumn winter harvest festival holiday wedding funeral birthday supper
        breakfast dinner picnic dance concert play lecture sermon meeting trial election auction
        flood storm drought frost fog mist thunder lightning rainbow dawn dusk midnight noon hour minute
        silence noise whisper shout laugh tear smile frown sigh memory dream hope fear doubt courage
        pride shame anger joy sorrow patience habit custom rule law duty honour fortune luck chance
        accident mistake plan idea scheme project problem trouble danger risk rescue escape return
        arrival departure delay hurry rest pause change choice decision agreement argument apology
        thanks greeting farewell invitation visit errand task chore job trade craft skill talent
        orchestra choir band audience stage curtain ballroom theatre museum gallery archive warehouse
        factory workshop studio laboratory observatory lighthouse quay pier dock canal lock ferry
        raft canoe oar anchor mast deck cabin cargo voyage crossing passage channel current reef
        """);

    public static readonly string[] Adjectives = Split("""
        old new small large long short high low early late young quiet loud bright dark warm cold
        wet dry heavy light soft hard clean dirty empty full narrow wide deep shallow thin thick
        green red blue yellow grey white black brown golden silver pale faint sharp dull rough smooth
        strange familiar ordinary simple plain fine grand modest humble proud careful careless gentle
        patient busy idle tired eager curious nervous calm cheerful gloomy solemn serious merry kind
        cruel honest clever foolish wise stubborn polite rude brave timid lonely crowded distant nearby
        hidden open closed broken whole crooked straight steep flat hollow solid fragile sturdy rusty
        dusty muddy frozen sunny cloudy windy stormy misty damp chilly mild sweet bitter sour salty
        fresh stale ripe rotten fragrant bare leafy wild tame rich poor cheap costly rare common
        ancient modern local foreign northern southern eastern western upper lower inner outer
        former final certain sudden gradual slow quick steady restless weary hopeful anxious grateful
        generous thrifty tidy shabby elegant awkward graceful clumsy noble wretched lucky unlucky
        silent hoarse tender bold shy sensible reckless cautious faithful jealous weathered crumbling
        polished painted carved woven knotted tangled scattered crowded forgotten remembered borrowed
        crimson amber ivory scarlet violet copper bronze slate ashen russet tawny olive
        """);

    /// <summary>Past-tense verbs that take an object ("mended the fence").</summary>
    public static readonly string[] TransitiveVerbs = Split("""
        opened closed carried found lost took brought left kept held watched saw heard noticed
        remembered forgot mended painted cleaned washed cooked baked bought sold paid counted weighed
        measured carved built repaired polished swept folded packed unpacked locked unlocked lifted
        dropped pushed pulled dragged threw caught followed passed crossed climbed visited reached
        wrote read signed sealed sent received delivered answered asked questioned praised blamed
        thanked greeted welcomed ignored avoided studied examined inspected searched checked sorted
        gathered collected scattered planted picked harvested stacked loaded emptied filled poured
        stirred tasted served shared hid showed offered refused accepted borrowed lent returned
        traded hired paid-off fed warned reminded promised described explained drew sketched copied
        burned lit extinguished covered wrapped tied untied stitched patched sharpened tuned played
        rang struck shook rattled guarded defended chased trusted doubted admired envied recognised
        photographed recorded announced posted printed published ordered arranged rearranged moved
        """);

    /// <summary>Past-tense verbs without an object ("waited", "laughed").</summary>
    public static readonly string[] IntransitiveVerbs = Split("""
        waited laughed smiled sighed slept woke rested worked walked ran hurried wandered strolled
        lingered paused stopped started arrived departed returned stayed listened watched spoke
        whispered shouted sang danced prayed wept shivered trembled nodded frowned hesitated agreed
        argued complained apologised recovered grew faded vanished appeared shone glowed flickered
        rained snowed thundered drifted floated sank rose fell settled gathered scattered continued
        """);

    public static readonly string[] Adverbs = Split("""
        slowly quickly quietly carefully gently suddenly finally eventually often rarely always
        sometimes seldom twice again already soon later early briefly patiently eagerly nervously
        calmly cheerfully sadly gladly firmly softly loudly politely rudely warmly coldly openly
        secretly honestly wisely foolishly steadily gradually abruptly reluctantly willingly happily
        """);

    public static readonly string[] Prepositions = Split("""
        beside behind near across along around beyond beneath toward past inside outside upon within
        against among opposite
        """);

    /// <summary>Characters of the haystack's prose (needles use names from a separate pool).</summary>
    public static readonly string[] Names = Split("""
        Thomas Margaret William Elizabeth James Mary John Anne George Sarah Henry Alice Robert Jane
        Edward Emily Charles Lucy Arthur Grace Albert Clara Walter Ruth Frank Edith Harold Agnes Samuel
        Martha Joseph Helen Daniel Rose Peter Nora Hugh Ellen Philip Harriet Simon Beatrice Oliver Florence
        Matthew Dorothy Stephen Violet Andrew Winifred Martin Mabel Richard Ada Lewis Lily Ernest Hannah
        """);

    /// <summary>Places the prose mentions; plain English place words, none of them used in needles.</summary>
    public static readonly string[] Places = Split("""
        Ashford Bramley Carrow Dunmore Eastwick Fernhill Greystone Hollins Ivybridge Kingsmere Longford
        Marlow Northgate Oakley Pennwood Redbrook Stoneleigh Thornbury Upton Westmere Whitby Yarrow
        """);

    public static readonly string[] TimePhrases =
    [
        "That morning", "By noon", "Later that evening", "The next day", "Before dawn", "In the afternoon",
        "Every Sunday", "Some weeks later", "At first", "In the end", "For a while", "Long afterwards",
        "That winter", "Early in the spring", "Towards the end of summer", "All through the autumn",
        "Once the rain had stopped", "When the bell rang", "As the light faded", "After supper",
    ];

    public static readonly string[] Conjunctions = ["and", "but", "so", "while", "because", "although", "until", "before", "after", "since"];

    public static readonly string[] SpeechVerbs = ["said", "asked", "replied", "called", "murmured", "admitted", "added", "insisted", "explained", "warned"];

    private static string[] Split(string words) =>
        words.Split([' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Replace('-', ' '))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
}
