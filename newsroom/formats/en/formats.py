# English dates as the site has always written them: "March 10, 2021", not
# Django's Associated Press style ("Sept. 10, 2021"). Other languages keep
# Django's own formats (zh-Hans: 2021年3月10日).
DATE_FORMAT = "F j, Y"
