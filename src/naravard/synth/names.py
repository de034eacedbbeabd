"""Word lists for synthetic people and addresses: common Swedish names and street names.

Names are common ones (SCB name statistics order roughly), combined at random, so no real person is meant.
Streets are generic Swedish street names; postal-code prefixes and towns are plausible for each municipality
but the full codes are synthetic.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    """Comma-separated lists keep the tables compact (and stable under the formatter)."""
    return tuple(word.strip() for word in text.split(","))


FEMALE_GIVEN_NAMES: tuple[str, ...] = _words(
    "Anna, Eva, Maria, Karin, Sara, Kristina, Lena, Emma, Kerstin, Ingrid, Marie, Malin, Jenny,"
    "Birgitta, Hanna, Linda, Inger, Sofia, Annika, Elin, Susanne, Monica, Ida, Johanna, Ulla, Camilla,"
    "Elsa, Julia, Maja, Alice, Astrid, Ebba, Wilma, Agnes, Saga, Vera, Ella, Alma, Signe, Margareta,"
    "Gunilla, Elisabeth, Helena, Katarina, Åsa, Britt, Siv, Gun, Linnea, Frida"
)

MALE_GIVEN_NAMES: tuple[str, ...] = _words(
    "Lars, Mikael, Anders, Johan, Per, Erik, Karl, Peter, Jan, Thomas, Daniel, Fredrik, Hans, Andreas,"
    "Stefan, Mats, Magnus, Mattias, Bengt, Sven, Björn, Jonas, Nils, Bo, Leif, Oskar, Lucas, William,"
    "Liam, Elias, Hugo, Alexander, Noah, Oliver, Adam, Axel, Arvid, Gustav, Olle, Viktor, Henrik,"
    "Kjell, Göran, Rolf, Ulf, Stig, Emil, Filip, Isak, Ludvig"
)

FAMILY_NAMES: tuple[str, ...] = _words(
    "Andersson, Johansson, Karlsson, Nilsson, Eriksson, Larsson, Olsson, Persson, Svensson,"
    "Gustafsson, Pettersson, Jonsson, Jansson, Hansson, Bengtsson, Jönsson, Lindberg, Jakobsson,"
    "Magnusson, Lindström, Olofsson, Lindqvist, Lindgren, Berg, Axelsson, Bergström, Lundberg, Lind,"
    "Lundgren, Lundqvist, Mattsson, Berglund, Fredriksson, Sandberg, Henriksson, Forsberg, Sjöberg,"
    "Wallin, Ali, Engström, Mohammed, Eklund, Danielsson, Lundin, Håkansson, Björk, Bergman,"
    "Gunnarsson, Holm, Wikström, Samuelsson, Isaksson, Fransson, Bergqvist, Nyström, Holmberg,"
    "Arvidsson, Löfgren, Söderberg, Nyberg, Blomqvist, Claesson, Nordström, Mårtensson, Hedlund,"
    "Ström, Norberg, Sundberg, Öberg, Hedberg, Hellström, Sundström"
)

STREET_NAMES: tuple[str, ...] = _words(
    "Storgatan, Kungsgatan, Drottninggatan, Nygatan, Södra vägen, Norra vägen, Skolgatan, Kyrkogatan,"
    "Järnvägsgatan, Parkvägen, Björkvägen, Tallvägen, Granvägen, Ekvägen, Lönnvägen, Åkervägen,"
    "Ängsvägen, Sjövägen, Strandvägen, Bruksgatan, Hamngatan, Fabriksgatan, Industrigatan, Skogsvägen,"
    "Backvägen, Villavägen, Trädgårdsgatan, Köpmangatan, Postgatan, Stationsgatan, Älvvägen,"
    "Furuvägen, Rönnvägen, Lindvägen, Hagavägen, Solvägen, Kvarnvägen, Smedsvägen, Myrvägen,"
    "Bergsgatan"
)

# Municipality code -> (main town, three-digit postal-code prefix). Plausible, not an official table.
MUNICIPALITY_TOWNS: dict[str, tuple[str, str]] = {
    "2101": ("Ockelbo", "816"),
    "2104": ("Hofors", "813"),
    "2121": ("Edsbyn", "828"),
    "2132": ("Bergsjö", "820"),
    "2161": ("Ljusdal", "827"),
    "2180": ("Gävle", "803"),
    "2181": ("Sandviken", "811"),
    "2182": ("Söderhamn", "826"),
    "2183": ("Bollnäs", "821"),
    "2184": ("Hudiksvall", "824"),
}

# Synthetic owners of the privately run hälsocentraler (Hälsoval Gävleborg contracts).
PRIVATE_PROVIDERS: tuple[str, ...] = (
    "Hälsopartner Norrland AB",
    "Vårdkompaniet Gästrikland AB",
    "Läkarhuset Hälsingland AB",
    "Nära Hälsa Mitt AB",
)
