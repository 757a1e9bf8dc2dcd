/// Meanings of the synthetic signs and the sentence templates that pair them with text (paper notes
/// §2.1: isolated glosses are wrapped into template sentences per language).
public enum SyntheticLexicon {
    /// The languages texts are written in: English, German, Chinese.
    public static let languages = ["en", "de", "zh"]

    /// (gloss, English, German, Chinese) for the first signs of a vocabulary; a vocabulary larger
    /// than this list reuses the meanings with a number (`HOUSE-2`, "house 2", "Haus 2", "房子2").
    static let concepts: [(gloss: String, en: String, de: String, zh: String)] = [
        ("HOUSE", "house", "Haus", "房子"), ("RAIN", "rain", "Regen", "下雨"), ("SNOW", "snow", "Schnee", "雪"),
        ("SUN", "sun", "Sonne", "太阳"), ("WIND", "wind", "Wind", "风"), ("CLOUD", "cloud", "Wolke", "云"),
        ("TOMORROW", "tomorrow", "morgen", "明天"), ("TODAY", "today", "heute", "今天"),
        ("YESTERDAY", "yesterday", "gestern", "昨天"), ("NIGHT", "night", "Nacht", "夜晚"),
        ("MORNING", "morning", "Morgen", "早上"), ("EVENING", "evening", "Abend", "晚上"),
        ("WARM", "warm", "warm", "温暖"), ("COLD", "cold", "kalt", "冷"), ("NORTH", "north", "Norden", "北方"),
        ("SOUTH", "south", "Süden", "南方"), ("EAST", "east", "Osten", "东方"), ("WEST", "west", "Westen", "西方"),
        ("MOTHER", "mother", "Mutter", "母亲"), ("FATHER", "father", "Vater", "父亲"), ("CHILD", "child", "Kind", "孩子"),
        ("FRIEND", "friend", "Freund", "朋友"), ("TEACHER", "teacher", "Lehrer", "老师"), ("DOCTOR", "doctor", "Arzt", "医生"),
        ("WATER", "water", "Wasser", "水"), ("BREAD", "bread", "Brot", "面包"), ("APPLE", "apple", "Apfel", "苹果"),
        ("MILK", "milk", "Milch", "牛奶"), ("COFFEE", "coffee", "Kaffee", "咖啡"), ("TEA", "tea", "Tee", "茶"),
        ("EAT", "eat", "essen", "吃"), ("DRINK", "drink", "trinken", "喝"), ("SLEEP", "sleep", "schlafen", "睡觉"),
        ("WORK", "work", "arbeiten", "工作"), ("LEARN", "learn", "lernen", "学习"), ("READ", "read", "lesen", "读"),
        ("WRITE", "write", "schreiben", "写"), ("GO", "go", "gehen", "去"), ("COME", "come", "kommen", "来"),
        ("SEE", "see", "sehen", "看见"), ("HEAR", "hear", "hören", "听见"), ("THINK", "think", "denken", "想"),
        ("KNOW", "know", "wissen", "知道"), ("WANT", "want", "wollen", "想要"), ("HELP", "help", "helfen", "帮助"),
        ("LOVE", "love", "Liebe", "爱"), ("HAPPY", "happy", "glücklich", "高兴"), ("SAD", "sad", "traurig", "难过"),
        ("ANGRY", "angry", "wütend", "生气"), ("TIRED", "tired", "müde", "累"), ("SICK", "sick", "krank", "生病"),
        ("GOOD", "good", "gut", "好"), ("BAD", "bad", "schlecht", "坏"), ("BIG", "big", "groß", "大"),
        ("SMALL", "small", "klein", "小"), ("MANY", "many", "viele", "很多"), ("FEW", "few", "wenige", "很少"),
        ("NEW", "new", "neu", "新"), ("OLD", "old", "alt", "旧"), ("CAR", "car", "Auto", "汽车"),
        ("TRAIN", "train", "Zug", "火车"), ("BOOK", "book", "Buch", "书"), ("SCHOOL", "school", "Schule", "学校"),
        ("CITY", "city", "Stadt", "城市"), ("COUNTRY", "country", "Land", "国家"), ("MONEY", "money", "Geld", "钱"),
        ("TIME", "time", "Zeit", "时间"), ("WEEK", "week", "Woche", "星期"), ("YEAR", "year", "Jahr", "年"),
        ("NAME", "name", "Name", "名字"), ("LANGUAGE", "language", "Sprache", "语言"), ("QUESTION", "question", "Frage", "问题"),
        ("YES", "yes", "ja", "是"), ("NO", "no", "nein", "不"), ("THANK-YOU", "thank you", "danke", "谢谢"),
        ("PLEASE", "please", "bitte", "请"), ("HELLO", "hello", "hallo", "你好"), ("GOODBYE", "goodbye", "tschüss", "再见"),
        ("WHERE", "where", "wo", "哪里"), ("WHAT", "what", "was", "什么"), ("WHO", "who", "wer", "谁"),
        ("WHY", "why", "warum", "为什么"), ("HOW", "how", "wie", "怎么"), ("BEAUTIFUL", "beautiful", "schön", "美丽"),
        ("FAST", "fast", "schnell", "快"), ("SLOW", "slow", "langsam", "慢"), ("HOT", "hot", "heiß", "热"),
        ("FIRE", "fire", "Feuer", "火"), ("TREE", "tree", "Baum", "树"), ("FLOWER", "flower", "Blume", "花"),
        ("DOG", "dog", "Hund", "狗"), ("CAT", "cat", "Katze", "猫"), ("BIRD", "bird", "Vogel", "鸟"),
        ("FISH", "fish", "Fisch", "鱼"), ("SEA", "sea", "Meer", "大海"), ("MOUNTAIN", "mountain", "Berg", "山"),
        ("RIVER", "river", "Fluss", "河"), ("STAR", "star", "Stern", "星星"), ("MOON", "moon", "Mond", "月亮"),
        ("STORM", "storm", "Sturm", "暴风雨"), ("FOG", "fog", "Nebel", "雾"), ("ICE", "ice", "Eis", "冰"),
    ]

    /// Gloss and meanings (by language) of sign `index`.
    static func entry(_ index: Int) -> (gloss: String, meanings: [String: String]) {
        let c = concepts[index % concepts.count]
        let round = index / concepts.count
        guard round > 0 else { return (c.gloss, ["en": c.en, "de": c.de, "zh": c.zh]) }
        let n = round + 1
        return ("\(c.gloss)-\(n)", ["en": "\(c.en) \(n)", "de": "\(c.de) \(n)", "zh": "\(c.zh)\(n)"])
    }

    /// Templates for isolated signs; `%@` is the meaning. The first of each language is the canonical one.
    public static let templates: [String: [String]] = [
        "en": ["The sign means %@.", "This is the sign for %@."],
        "de": ["Die Gebärde bedeutet %@.", "Das ist die Gebärde für %@."],
        "zh": ["这个手语的意思是%@。", "这是表示%@的手语。"],
    ]

    /// The text of an isolated sign: template `variant` (modulo the count) of `language` with `meaning`.
    public static func isolatedText(meaning: String, language: String, variant: Int = 0) -> String {
        let list = templates[language] ?? templates["en"]!
        return list[variant % list.count].replacingOccurrences(of: "%@", with: meaning)
    }

    /// The text of a continuous sentence: the meanings in signing order, as a word string (English
    /// and German: space-separated, first letter capitalised, full stop; Chinese: concatenated, "。").
    public static func sentenceText(meanings: [String], language: String) -> String {
        if language == "zh" { return meanings.joined() + "。" }
        let s = meanings.joined(separator: " ")
        return s.prefix(1).uppercased() + s.dropFirst() + "."
    }
}
